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
import { editTicket } from '../domain/tickets';

export function updateTicketRouter(store: TicketStore): Router {
  // The price rules of the currency this service sells in (its decimals).
  const operation = { ...ticketsOperations.updateTicket, body: ticketInput(store.currency) };
  return Router().put(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    const { params, body } = inputOf(req, operation);
    const { title, price, ...details } = body;
    const input = {
      title,
      priceCents: toMinorUnits(price, store.currency),
      details: listingDetailsOf(details, store.currency),
    };
    const ticket = await editTicket(store, params.id, req.currentUser!.id, input, requestId(req));
    res.status(200).json(ticket);
  });
}
