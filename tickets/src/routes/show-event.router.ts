import { eventsOperations, expressPath, inputOf, revalidateEachTime, validate } from '@ticketing/common';
import { Router } from 'express';
import { showCatalogEvent } from '../domain/events';
import type { TicketStore } from '../domain/ticket-store';

/** Any event by id, with its tickets on sale: public. */
export function showEventRouter(store: TicketStore): Router {
  const operation = eventsOperations.showEvent;
  return Router().get(expressPath(operation), revalidateEachTime, validate(operation), async (req, res) => {
    res.status(200).json(await showCatalogEvent(store, inputOf(req, operation).params.id));
  });
}
