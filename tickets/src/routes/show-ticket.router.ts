import { expressPath, inputOf, revalidateEachTime, ticketsOperations, validate } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { getTicket } from '../domain/tickets';

/** Any ticket by id, whatever its state: buyers follow links to reserved and sold tickets too. */
export function showTicketRouter(store: TicketStore): Router {
  const operation = ticketsOperations.showTicket;
  return Router().get(expressPath(operation), revalidateEachTime, validate(operation), async (req, res) => {
    res.status(200).json(await getTicket(store, inputOf(req, operation).params.id));
  });
}
