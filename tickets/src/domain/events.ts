import { randomUUID } from 'node:crypto';
import {
  type EventPageJson,
  type EventSort,
  type EventWithListingsJson,
  enqueueEvent,
  NotAuthorizedError,
  NotFoundError,
} from '@ticketing/common';
import {
  availableTicketsOfEvent,
  findEventSummary,
  insertEvent,
  lockEvent,
  queryEvents,
  saveEventVersion,
} from '../db/events.repository';
import { eventCreatedEvent, eventUpdatedEvent } from '../events/event-events';
import { type CatalogEvent, toEvent } from './event';
import { type EventPosition, encodeEventCursor } from './event-cursor';
import { toTicket } from './ticket';
import type { TicketStore } from './ticket-store';

/** What an organizer says about an event; `startsAt` is in the future (the API's rule). */
export interface EventInput {
  name: string;
  venue: string;
  city: string;
  startsAt: Date;
  category: string | null;
}

/** A new catalog event, organized by its creator: the row and its event.created in one transaction. */
export async function createCatalogEvent(
  { relay, currency }: TicketStore,
  organizerId: string,
  input: EventInput,
  correlationId?: string,
): Promise<CatalogEvent> {
  const row = await relay.transaction(async (tx) => {
    const created = await insertEvent(tx, { id: randomUUID(), organizerId, ...input });
    await enqueueEvent(tx, eventCreatedEvent(created, correlationId));
    return created;
  });
  return toEvent(row, currency);
}

/**
 * The organizer replaces an event's details: version + 1 and event.updated in one transaction,
 * under the event's row lock, so concurrent edits apply one after the other, each a version of
 * its own. Anyone else: 401 `EVENT_NOT_ORGANIZER`.
 */
export async function editCatalogEvent(
  store: TicketStore,
  id: string,
  userId: string,
  input: EventInput,
  correlationId?: string,
): Promise<CatalogEvent> {
  await store.relay.transaction(async (tx) => {
    const current = await lockEvent(tx, id);
    if (!current) throw eventNotFound();
    if (current.organizerId !== userId) throw new NotAuthorizedError('Not authorized', 'EVENT_NOT_ORGANIZER');
    const saved = await saveEventVersion(tx, current, input, (next) => eventUpdatedEvent(next, correlationId));
    if (!saved) throw new Error(`event ${id} changed under its row lock`);
  });
  return getCatalogEvent(store, id);
}

/** The event with what is on sale for it: its count, lowest price and the tickets themselves. */
export async function showCatalogEvent({ db, currency }: TicketStore, id: string): Promise<EventWithListingsJson> {
  const [summary, listings] = await Promise.all([findEventSummary(db, id), availableTicketsOfEvent(db, id)]);
  if (!summary) throw eventNotFound();
  return { ...toEvent(summary, currency), listings: listings.map((row) => toTicket(row, currency)) };
}

async function getCatalogEvent({ db, currency }: TicketStore, id: string): Promise<CatalogEvent> {
  const summary = await findEventSummary(db, id);
  if (!summary) throw eventNotFound();
  return toEvent(summary, currency);
}

export interface ListEventsInput {
  search?: string;
  city?: string;
  category?: string;
  from?: Date;
  to?: Date;
  sort: EventSort;
  after?: EventPosition;
  limit: number;
}

/** A page of the catalog; `nextCursor` is passed back as `cursor` (with the same sort), null on the last page. */
export async function listCatalogEvents({ db, currency }: TicketStore, input: ListEventsInput): Promise<EventPageJson> {
  // One row more than asked says whether another page exists without a count query.
  const rows = await queryEvents(db, { ...input, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    events: page.map((row) => toEvent(row, currency)),
    nextCursor:
      rows.length > input.limit && last
        ? encodeEventCursor({
            sort: input.sort,
            startsAt: last.startsAt,
            id: last.id,
            lowestPriceCents: last.lowestPriceCents,
          })
        : null,
  };
}

export const eventNotFound = () => new NotFoundError('Event not found', 'EVENT_NOT_FOUND');
