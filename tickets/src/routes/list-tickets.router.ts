import {
  expressPath,
  inputOf,
  listTicketsQuery,
  NotAuthorizedError,
  revalidateEachTime,
  ticketsOperations,
  validate,
} from '@ticketing/common';
import { Router } from 'express';
import { decodeCursor } from '../domain/cursor';
import type { TicketStore } from '../domain/ticket-store';
import { listTickets } from '../domain/tickets';

/**
 * Available tickets for everyone (with `include=reserved`, reserved ones too); with `mine=true`
 * the caller's own listings in every state.
 */
export function listTicketsRouter(store: TicketStore): Router {
  // Only this service can tell a cursor it issued.
  const operation = {
    ...ticketsOperations.listTickets,
    query: listTicketsQuery((cursor) => decodeCursor(cursor) !== undefined),
  };
  return Router().get(expressPath(operation), revalidateEachTime, validate(operation), async (req, res) => {
    const { mine, include, q, cursor, limit } = inputOf(req, operation).query;
    if (mine && !req.currentUser) throw new NotAuthorizedError();
    res.status(200).json(
      await listTickets(store, {
        ownerId: mine ? req.currentUser?.id : undefined,
        includeReserved: include === 'reserved',
        search: q,
        after: cursor === undefined ? undefined : decodeCursor(cursor),
        limit,
      }),
    );
  });
}
