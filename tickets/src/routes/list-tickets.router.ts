import { NotAuthorizedError, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { TicketStore } from '../domain/ticket-store';
import { listTickets } from '../domain/tickets';
import { parseListQuery } from './list-query';
import { listQuery } from './validators';

/** Available tickets for everyone; with `mine=true` the caller's own listings in every state. */
export function listTicketsRouter(store: TicketStore): Router {
  return Router().get('/api/tickets', ...listQuery, validateRequest, async (req, res) => {
    const { mine, ...page } = parseListQuery(req.query);
    if (mine && !req.currentUser) throw new NotAuthorizedError();
    res.status(200).json(await listTickets(store, { ...page, ownerId: mine ? req.currentUser?.id : undefined }));
  });
}
