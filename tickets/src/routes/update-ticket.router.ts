import { requestId, requireAuth, toMinorUnits, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { editTicket } from '../domain/tickets';
import { onlyBodyFields, priceField, ticketIdParam, titleField } from './validators';

export function updateTicketRouter(store: TicketStore): Router {
  return Router().put(
    '/api/tickets/:id',
    requireAuth,
    ticketIdParam,
    onlyBodyFields('title', 'price'),
    titleField,
    priceField(store.currency),
    validateRequest,
    async (req, res) => {
      const input = { title: req.body.title, priceCents: toMinorUnits(req.body.price, store.currency) };
      const ticket = await editTicket(store, req.params.id as string, req.currentUser!.id, input, requestId(req));
      res.status(200).json(ticket);
    },
  );
}
