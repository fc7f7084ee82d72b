import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Event } from '../events';
import type { Executor } from './create-database';
import { clientOf, noteEventQueued } from './prepared';

/**
 * The transactional outbox: an event is written here in the same transaction as the state
 * change it announces, and the {@link OutboxRelay} publishes pending rows in `id` order.
 *
 * Services put this table into their own Drizzle schema (`export { outbox, processedEvents }
 * from '@ticketing/common'` in `src/db/schema.ts`) so drizzle-kit generates it into their
 * migrations.
 */
export const outbox = pgTable(
  'outbox',
  {
    /** Publication order. */
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: uuid('event_id').notNull().unique(),
    subject: text('subject').notNull(),
    /** The whole event (envelope and data), exactly as it will be published. */
    payload: jsonb('payload').$type<Event>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** `null` while the event waits for the relay. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Publications of this row that failed while NATS itself was healthy (the row's own fault). */
    attempts: integer('attempts').notNull().default(0),
    /** Why the last publication failed. */
    lastError: text('last_error'),
    /**
     * Set once the row failed `maxAttempts` times: the relay skips it, so the rows after it keep
     * flowing; an operator retries it (`npm run events -- outbox retry`) once its cause is fixed.
     */
    parkedAt: timestamp('parked_at', { withTimezone: true }),
  },
  // The relay only ever reads pending rows: a partial index keeps that scan small however
  // many published rows accumulate.
  (table) => [index('outbox_pending_idx').on(table.id).where(sql`published_at is null and parked_at is null`)],
);

/**
 * Events a consumer has already handled, for events that carry no `version` (for example
 * `expiration.complete`, `payment.created`): inserting `(consumer, eventId)` in the handler's
 * transaction makes a redelivery a no-op.
 */
export const processedEvents = pgTable(
  'processed_events',
  {
    eventId: uuid('event_id').notNull(),
    consumer: text('consumer').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
);

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * Writes `event` to the outbox with the caller's executor — pass the transaction that makes the
 * state change, so the event exists if and only if the change commits.
 */
export async function enqueueEvent(tx: Executor, event: Event): Promise<void> {
  await tx.insert(outbox).values({ eventId: event.eventId, subject: event.subject, payload: event });
  noteEventQueued(clientOf(tx));
}

/**
 * The SQL text of a statement (for a {@link preparedStatement}) that runs `change` (an INSERT or
 * UPDATE … RETURNING) and writes an event to the outbox only if it returned a row, returning
 * `change`'s rows: one round trip instead of two on the hot paths (a reservation, a ticket's next
 * version). The event's values ({@link eventValues}) are the parameters `$first`, `$first + 1`
 * and `$first + 2`. Run it in the transaction that publishes the event, like {@link enqueueEvent}.
 */
export function withEventSql(change: string, first: number): string {
  return `with changed as (${change}),
    queued as (
      insert into outbox (event_id, subject, payload)
      select $${first}::uuid, $${first + 1}::text, $${first + 2}::jsonb
      where exists (select from changed)
    )
    select * from changed`;
}

/** The parameters of the event of a {@link withEventSql} statement. */
export function eventValues(event: Event): [string, string, string] {
  return [event.eventId, event.subject, JSON.stringify(event)];
}

/**
 * Records that `consumer` handled the event `eventId`. Returns `true` the first time and `false`
 * for a redelivery; call it inside the handler's transaction and skip the work when it is false.
 */
export async function markEventProcessed(tx: Executor, consumer: string, eventId: string): Promise<boolean> {
  const inserted = await tx
    .insert(processedEvents)
    .values({ consumer, eventId })
    .onConflictDoNothing()
    .returning({ eventId: processedEvents.eventId });
  return inserted.length > 0;
}
