import { eventsOperations, expressPath, inputOf, requestId, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import { createCatalogEvent } from '../domain/events';
import type { TicketStore } from '../domain/ticket-store';

/** A signed-in user adds an event to the catalog and becomes its organizer. */
export function createEventRouter(store: TicketStore): Router {
  const operation = eventsOperations.createEvent;
  return Router().post(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    const { startsAt, category, ...place } = inputOf(req, operation).body;
    const input = { ...place, startsAt: new Date(startsAt), category: category ?? null };
    res.status(201).json(await createCatalogEvent(store, req.currentUser!.id, input, requestId(req)));
  });
}
