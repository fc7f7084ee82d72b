import {
  eventsOperations,
  expressPath,
  inputOf,
  listEventsQuery,
  revalidateEachTime,
  validate,
} from '@ticketing/common';
import { Router } from 'express';
import { decodeEventCursor } from '../domain/event-cursor';
import { listCatalogEvents } from '../domain/events';
import type { TicketStore } from '../domain/ticket-store';

/** The catalog for everyone: filters, sort and pages. */
export function listEventsRouter(store: TicketStore): Router {
  // Only this service can tell a cursor it issued (and for which sort).
  const operation = {
    ...eventsOperations.listEvents,
    query: listEventsQuery((cursor, sort) => decodeEventCursor(cursor, sort) !== undefined),
  };
  return Router().get(expressPath(operation), revalidateEachTime, validate(operation), async (req, res) => {
    const { q, city, category, from, to, sort, cursor, limit } = inputOf(req, operation).query;
    res.status(200).json(
      await listCatalogEvents(store, {
        search: q,
        city,
        category,
        from: from === undefined ? undefined : new Date(from),
        to: to === undefined ? undefined : new Date(to),
        sort,
        after: cursor === undefined ? undefined : decodeEventCursor(cursor, sort),
        limit,
      }),
    );
  });
}
