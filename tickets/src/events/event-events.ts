import { createEvent, type Event, Subjects } from '@ticketing/common';
import type { EventRow } from '../db/schema';

const dataOf = (row: EventRow) => ({
  id: row.id,
  version: row.version,
  organizerId: row.organizerId,
  name: row.name,
  venue: row.venue,
  city: row.city,
  startsAt: row.startsAt.toISOString(),
  category: row.category,
});

/** event.created for a new catalog event (version 0), correlated with the request that created it. */
export function eventCreatedEvent(row: EventRow, correlationId?: string): Event<typeof Subjects.EventCreated> {
  return createEvent(Subjects.EventCreated, dataOf(row), { correlationId });
}

/** event.updated for one version of a catalog event: its full state, so a replica can apply it on its own. */
export function eventUpdatedEvent(row: EventRow, correlationId?: string): Event<typeof Subjects.EventUpdated> {
  return createEvent(Subjects.EventUpdated, dataOf(row), { correlationId });
}
