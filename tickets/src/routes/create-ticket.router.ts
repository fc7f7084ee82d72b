import {
  expressPath,
  inputOf,
  requestId,
  requireAuth,
  ticketInput,
  ticketsOperations,
  toMinorUnits,
  validate,
} from '@ticketing/common';
import { Router } from 'express';
import { listingDetailsOf } from '../domain/ticket';
import type { TicketStore } from '../domain/ticket-store';
import { createTicket } from '../domain/tickets';

export function createTicketRouter(store: TicketStore): Router {
  // The price rules of the currency this service sells in (its decimals).
  const operation = { ...ticketsOperations.createTicket, body: ticketInput(store.currency) };
  return Router().post(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    const { title, price, ...details } = inputOf(req, operation).body;
    const input = {
      title,
      priceCents: toMinorUnits(price, store.currency),
      details: listingDetailsOf(details, store.currency),
    };
    const ticket = await createTicket(store, req.currentUser!.id, input, requestId(req));
    res.status(201).json(ticket);
  });
}
