import { requestId, requireAuth, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import { toCents } from '../domain/money';
import type { TicketStore } from '../domain/ticket-store';
import { createTicket } from '../domain/tickets';
import { onlyBodyFields, priceField, titleField } from './validators';

export function createTicketRouter(store: TicketStore): Router {
  return Router().post(
    '/api/tickets',
    requireAuth,
    onlyBodyFields('title', 'price'),
    titleField,
    priceField,
    validateRequest,
    async (req, res) => {
      const input = { title: req.body.title, priceCents: toCents(req.body.price) };
      const ticket = await createTicket(store, req.currentUser!.id, input, requestId(req));
      res.status(201).json(ticket);
    },
  );
}
