import { requestId, requireAuth, toMinorUnits, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { createTicket } from '../domain/tickets';
import { onlyBodyFields, priceField, titleField } from './validators';

export function createTicketRouter(store: TicketStore): Router {
  return Router().post(
    '/api/tickets',
    requireAuth,
    onlyBodyFields('title', 'price'),
    titleField,
    priceField(store.currency),
    validateRequest,
    async (req, res) => {
      const input = { title: req.body.title, priceCents: toMinorUnits(req.body.price, store.currency) };
      const ticket = await createTicket(store, req.currentUser!.id, input, requestId(req));
      res.status(201).json(ticket);
    },
  );
}
