import { eventsOperations, expressPath, inputOf, requestId, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import { editCatalogEvent } from '../domain/events';
import type { TicketStore } from '../domain/ticket-store';

/** The organizer replaces an event's details. */
export function updateEventRouter(store: TicketStore): Router {
  const operation = eventsOperations.updateEvent;
  return Router().put(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    const { params, body } = inputOf(req, operation);
    const { startsAt, category, ...place } = body;
    const input = { ...place, startsAt: new Date(startsAt), category: category ?? null };
    res.status(200).json(await editCatalogEvent(store, params.id, req.currentUser!.id, input, requestId(req)));
  });
}
