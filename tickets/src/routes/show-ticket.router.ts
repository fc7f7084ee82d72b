import { validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { getTicket } from '../domain/tickets';
import { ticketIdParam } from './validators';

/** Any ticket by id, whatever its state: buyers follow links to reserved and sold tickets too. */
export function showTicketRouter(store: TicketStore): Router {
  return Router().get('/api/tickets/:id', ticketIdParam, validateRequest, async (req, res) => {
    res.status(200).json(await getTicket(store, req.params.id as string));
  });
}
