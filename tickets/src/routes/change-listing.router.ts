import { expressPath, inputOf, requestId, requireAuth, ticketsOperations, validate } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { changeListing } from '../domain/tickets';

/** The seller unlists an available ticket (`/withdraw`) or puts a withdrawn one back on sale (`/relist`). */
export function changeListingRouter(store: TicketStore): Router {
  const router = Router();
  const routes = [
    [ticketsOperations.withdrawTicket, 'withdraw'],
    [ticketsOperations.relistTicket, 'relist'],
  ] as const;
  for (const [operation, change] of routes) {
    router.post(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
      const { id } = inputOf(req, operation).params;
      res.status(200).json(await changeListing(store, id, req.currentUser!.id, change, requestId(req)));
    });
  }
  return router;
}
