import {
  type Event,
  type EventSort,
  type Executor,
  eventValues,
  preparedStatement,
  withEventSql,
} from '@ticketing/common';
import { asc, eq, gt } from 'drizzle-orm';
import type { EventPosition } from '../domain/event-cursor';
import { type EventRow, events, type TicketRow } from './schema';
import { escapeLike, ON_SALE_RESALE, TICKET_COLUMNS, type TicketColumns, ticketOf } from './tickets.repository';

export type NewEvent = Pick<EventRow, 'id' | 'organizerId' | 'name' | 'venue' | 'city' | 'startsAt' | 'category'>;

export async function insertEvent(tx: Executor, event: NewEvent): Promise<EventRow> {
  const [row] = await tx.insert(events).values(event).returning();
  return row!;
}

export async function findEventById(db: Executor, id: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row;
}

export async function eventExists(db: Executor, id: string): Promise<boolean> {
  return (await eventExistsStatement.run(db, [id])).length > 0;
}

const eventExistsStatement = preparedStatement<{ id: string }>(
  'tickets_event_exists',
  'select id from events where id = $1',
);

/** Reads the event and locks it until the transaction ends: its edits are applied one after the other. */
export async function lockEvent(tx: Executor, id: string): Promise<EventRow | undefined> {
  const [row] = await lockEventStatement.run(tx, [id]);
  return row && eventOf(row);
}

const EVENT_COLUMNS = 'id, organizer_id, name, venue, city, starts_at, category, version, created_at, updated_at';

const lockEventStatement = preparedStatement<EventColumns>(
  'tickets_lock_event',
  `select ${EVENT_COLUMNS} from events where id = $1 for update`,
);

export type EventChange = Pick<EventRow, 'name' | 'venue' | 'city' | 'startsAt' | 'category'>;

/**
 * Writes `change` as the next version of `current` and the event `eventOf` makes of it, in one
 * statement. Undefined (and no event) when the event is no longer at `current.version`.
 */
export async function saveEventVersion(
  tx: Executor,
  current: EventRow,
  change: EventChange,
  eventOf: (next: EventRow) => Event,
): Promise<EventRow | undefined> {
  const next = { ...current, ...change, version: current.version + 1 };
  const [row] = await saveEventVersionStatement.run(tx, [
    current.id,
    current.version,
    next.name,
    next.venue,
    next.city,
    next.startsAt,
    next.category,
    ...eventValues(eventOf(next)),
  ]);
  return row && { ...next, updatedAt: row.updated_at };
}

const saveEventVersionStatement = preparedStatement<{ updated_at: Date }>(
  'tickets_save_event_version',
  withEventSql(
    `update events
     set name = $3, venue = $4, city = $5, starts_at = $6, category = $7, version = $2 + 1, updated_at = now()
     where id = $1 and version = $2
     returning updated_at`,
    8,
  ),
);

/** An event with what is on sale for it. */
export interface EventSummaryRow extends EventRow {
  availableListings: number;
  /** The lowest price of its available tickets, in cents; null when none is on sale. */
  lowestPriceCents: number | null;
}

interface EventColumns {
  id: string;
  organizer_id: string;
  name: string;
  venue: string;
  city: string;
  starts_at: Date;
  category: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface EventSummaryColumns extends EventColumns {
  available_listings: number;
  lowest_price_cents: number | null;
}

const eventOf = (row: EventColumns): EventRow => ({
  id: row.id,
  organizerId: row.organizer_id,
  name: row.name,
  venue: row.venue,
  city: row.city,
  startsAt: row.starts_at,
  category: row.category,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const summaryOf = (row: EventSummaryColumns): EventSummaryRow => ({
  ...eventOf(row),
  availableListings: row.available_listings,
  lowestPriceCents: row.lowest_price_cents,
});

// What is on sale for each event: its available tickets, read from the partial index of an
// event's tickets on sale (the predicate is the index's, word for word).
const SUMMARY_SQL = `
  select e.id, e.organizer_id, e.name, e.venue, e.city, e.starts_at, e.category, e.version, e.created_at,
         e.updated_at, l.available_listings, l.lowest_price_cents
  from events e
  cross join lateral (
    select count(*)::int as available_listings, min(t.price_cents) as lowest_price_cents
    from tickets t
    where t.event_id = e.id and t.event_id is not null and t.order_id is null and t.sold_at is null
      and t.withdrawn_at is null and (t.resale_lock is null or t.resale_lock = 'locked')
  ) l`;

export async function findEventSummary(db: Executor, id: string): Promise<EventSummaryRow | undefined> {
  const [row] = await eventSummaryStatement.run(db, [id]);
  return row && summaryOf(row);
}

const eventSummaryStatement = preparedStatement<EventSummaryColumns>(
  'tickets_event_summary',
  `${SUMMARY_SQL} where e.id = $1`,
);

/** The tickets on sale for an event, cheapest first (ties by id). */
export async function availableTicketsOfEvent(db: Executor, eventId: string): Promise<TicketRow[]> {
  return (await availableTicketsOfEventStatement.run(db, [eventId])).map(ticketOf);
}

const availableTicketsOfEventStatement = preparedStatement<TicketColumns>(
  'tickets_available_of_event',
  `select ${TICKET_COLUMNS} from tickets
   where event_id = $1 and event_id is not null and order_id is null and sold_at is null and withdrawn_at is null
     and ${ON_SALE_RESALE}
   order by price_cents, id`,
);

export interface EventQuery {
  /** Case-insensitive substring of the name, venue or city. */
  search?: string;
  /** The city, compared without case. */
  city?: string;
  /** The category, compared without case. */
  category?: string;
  /** Starting at or after. */
  from?: Date;
  /** Starting at or before. */
  to?: Date;
  sort: EventSort;
  /** Start after this position (keyset pagination). */
  after?: EventPosition;
  limit: number;
}

/**
 * A page of the catalog. `startsAt`: soonest first, ties by id (the index on (starts_at, id)).
 * `price`: lowest available price first, events with nothing on sale last, then by
 * (starts_at, id); the keyset is (lowest price, starts_at, id), so a cursor position is exact.
 * Each combination of filters is a prepared statement of its own, as with the ticket listing.
 */
export async function queryEvents(db: Executor, query: EventQuery): Promise<EventSummaryRow[]> {
  const { search, city, category, from, to, sort, after, limit } = query;
  const values: unknown[] = [limit];
  const conditions: string[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (search) {
    const pattern = param(`%${escapeLike(search)}%`);
    conditions.push(`(e.name ilike ${pattern} or e.venue ilike ${pattern} or e.city ilike ${pattern})`);
  }
  if (city) conditions.push(`lower(e.city) = lower(${param(city)})`);
  if (category) conditions.push(`lower(e.category) = lower(${param(category)})`);
  if (from) conditions.push(`e.starts_at >= ${param(from)}::timestamptz`);
  if (to) conditions.push(`e.starts_at <= ${param(to)}::timestamptz`);
  let afterKind = '';
  if (after) {
    const rest = `(e.starts_at, e.id) > (${param(after.startsAt)}::timestamptz, ${param(after.id)}::uuid)`;
    if (sort === 'startsAt') {
      conditions.push(rest);
      afterKind = '_after';
    } else if (after.lowestPriceCents === null) {
      conditions.push(`(l.lowest_price_cents is null and ${rest})`);
      afterKind = '_after_unpriced';
    } else {
      const price = param(after.lowestPriceCents);
      conditions.push(
        `(l.lowest_price_cents > ${price}::int or l.lowest_price_cents is null or (l.lowest_price_cents = ${price}::int and ${rest}))`,
      );
      afterKind = '_after_priced';
    }
  }
  const order = sort === 'price' ? 'l.lowest_price_cents asc nulls last, e.starts_at, e.id' : 'e.starts_at, e.id';
  const key = `${sort}${search ? '_q' : ''}${city ? '_city' : ''}${category ? '_category' : ''}${from ? '_from' : ''}${to ? '_to' : ''}${afterKind}`;
  let statement = catalogStatements.get(key);
  if (!statement) {
    statement = preparedStatement<EventSummaryColumns>(
      `tickets_catalog_${key}`,
      `${SUMMARY_SQL}${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''}
       order by ${order} limit $1`,
    );
    catalogStatements.set(key, statement);
  }
  return (await statement.run(db, values)).map(summaryOf);
}

const catalogStatements = new Map<string, ReturnType<typeof preparedStatement<EventSummaryColumns>>>();

/** Events in id order after `afterId` (keyset pages for a resync). */
export function eventsAfter(db: Executor, afterId: string | undefined, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(afterId ? gt(events.id, afterId) : undefined)
    .orderBy(asc(events.id))
    .limit(limit);
}
