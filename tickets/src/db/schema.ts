import { outbox, PASS_STATUSES, type PassLockRefusalReason, type PassStatus, processedEvents } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents, revokedSessions, revokedUsers } from '@ticketing/common';

/**
 * The catalog: events (a concert, a match) that listings may belong to. Its creator is its
 * organizer; every edit is the next version, announced by exactly one event.updated.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    organizerId: uuid('organizer_id').notNull(),
    name: text('name').notNull(),
    venue: text('venue').notNull(),
    city: text('city').notNull(),
    // Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly.
    startsAt: timestamp('starts_at', { withTimezone: true, precision: 3 }).notNull(),
    category: text('category'),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('events_name_length', sql`char_length(${table.name}) between 1 and 200`),
    // The catalog, soonest first (the default sort, and the `from`/`to` range).
    index('events_starts_at_idx').on(table.startsAt, table.id),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    /** Money is stored and published as integer cents; the API speaks decimal units. */
    priceCents: integer('price_cents').notNull(),
    /** The seller. */
    userId: uuid('user_id').notNull(),
    /** Bumped by every change, each announced by exactly one ticket.updated (orders applies them in sequence). */
    version: integer('version').notNull().default(0),
    /** The order holding the ticket (reserved), or that bought it (sold); null while available. */
    orderId: uuid('order_id'),
    /**
     * The highest reservation number (order.created's `reservationNumber`) applied to this
     * ticket, kept after that reservation is released: only a higher one may reserve the ticket
     * again, so a late or redelivered order.created of an older order never takes it. 0 until a
     * numbered reservation arrives.
     */
    latestReservation: integer('latest_reservation').notNull().default(0),
    /** Set by order.completed; a sold ticket is final. */
    soldAt: timestamp('sold_at', { withTimezone: true }),
    /**
     * Set while its seller has the ticket unlisted (`withdrawn`): not listed, not reservable.
     * Kept under a reservation that raced the unlisting (orders had not heard of it yet), so the
     * ticket is withdrawn again, not back on sale, if that order is cancelled.
     */
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    /** The catalog event the listing is for; null for a listing of its own. */
    eventId: uuid('event_id').references(() => events.id),
    /** The price printed on the ticket, in cents like the price; null when the seller did not give it. */
    faceValueCents: integer('face_value_cents'),
    seatSection: text('seat_section'),
    seatRow: text('seat_row'),
    seatNumber: text('seat_number'),
    /** The pass this listing resells (secure swap); null for an ordinary listing. */
    resaleOfPassId: uuid('resale_of_pass_id'),
    /**
     * Where the lock of that pass stands for this listing: `pending` until passes locks it (not
     * on sale), `locked` once it did (on sale unless withdrawn; a withdrawal unlocks the pass and
     * a relisting waits for the lock again), `rejected` when passes refused (final). Null for an
     * ordinary listing.
     */
    resaleLock: text('resale_lock').$type<ResaleLock>(),
    /** Why passes refused the lock (`rejected`); null otherwise. */
    rejectionReason: text('rejection_reason').$type<PassLockRefusalReason>(),
    // Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly.
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('tickets_price_cents_range', sql`${table.priceCents} between 1 and 100000000`),
    check('tickets_title_length', sql`char_length(${table.title}) between 1 and 200`),
    check('tickets_face_value_cents_range', sql`${table.faceValueCents} between 1 and 100000000`),
    check('tickets_resale_lock_known', sql`${table.resaleLock} in ('pending', 'locked', 'rejected')`),
    // A resale listing has a lock state, an ordinary one none; only a rejected one has a reason.
    check('tickets_resale_lock_of_resale', sql`(${table.resaleOfPassId} is null) = (${table.resaleLock} is null)`),
    check(
      'tickets_rejection_reason_of_rejected',
      sql`(${table.rejectionReason} is not null) = (${table.resaleLock} is not distinct from 'rejected')`,
    ),
    // A seat is all three parts or none.
    check(
      'tickets_seat_complete',
      sql`(${table.seatSection} is null) = (${table.seatRow} is null) and (${table.seatRow} is null) = (${table.seatNumber} is null)`,
    ),
    // The public listing: available tickets, newest first (never a resale listing waiting for its
    // pass's lock, or refused it).
    index('tickets_available_idx')
      .on(table.createdAt, table.id)
      .where(
        sql`${table.orderId} is null and ${table.soldAt} is null and ${table.withdrawnAt} is null and (${table.resaleLock} is null or ${table.resaleLock} = 'locked')`,
      ),
    // The listing with `include=reserved`: available and reserved tickets, newest first.
    index('tickets_unsold_idx')
      .on(table.createdAt, table.id)
      .where(
        sql`${table.soldAt} is null and ${table.withdrawnAt} is null and (${table.resaleLock} is null or ${table.resaleLock} = 'locked')`,
      ),
    index('tickets_user_idx').on(table.userId, table.createdAt, table.id),
    // An event's tickets on sale, cheapest first: its count and lowest price in the catalog, its listings.
    index('tickets_event_available_idx')
      .on(table.eventId, table.priceCents, table.id)
      .where(
        sql`${table.eventId} is not null and ${table.orderId} is null and ${table.soldAt} is null and ${table.withdrawnAt} is null and (${table.resaleLock} is null or ${table.resaleLock} = 'locked')`,
      ),
  ],
);

/**
 * Replica of passes' passes (pass.issued, .listed, .unlisted, .revoked, .admitted), in version
 * order: who holds which pass and what they paid — what a resale listing is checked against.
 */
export const passes = pgTable(
  'passes',
  {
    id: uuid('id').primaryKey(),
    /** The ticket (a row of `tickets`) the pass admits to. */
    ticketId: uuid('ticket_id').notNull(),
    eventId: uuid('event_id'),
    holderId: uuid('holder_id').notNull(),
    generation: integer('generation').notNull(),
    /** What the holder paid, in minor units: the base of the resale price cap. */
    faceValueCents: integer('face_value_cents').notNull(),
    currency: text('currency'),
    status: text('status').$type<PassStatus>().notNull(),
    /** The resale listing the pass is locked for while `listed`. */
    listingId: uuid('listing_id'),
    version: integer('version').notNull(),
  },
  (table) => [
    check(
      'passes_status_known',
      sql`${table.status} in (${sql.raw(PASS_STATUSES.map((status) => `'${status}'`).join(', '))})`,
    ),
  ],
);

/**
 * Orders known to be cancelled. order.created and order.cancelled arrive on separate consumers,
 * so a cancellation can be handled before the reservation it undoes; the reservation then finds
 * its order here and is not applied.
 */
export const cancelledOrders = pgTable('cancelled_orders', {
  orderId: uuid('order_id').primaryKey(),
  ticketId: uuid('ticket_id').notNull(),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }).notNull().defaultNow(),
});

export const schema = { events, tickets, passes, cancelledOrders, outbox, processedEvents };

/** Where the lock of a resale listing's pass stands (see `tickets.resaleLock`). */
export type ResaleLock = 'pending' | 'locked' | 'rejected';

export type TicketRow = typeof tickets.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type PassRow = typeof passes.$inferSelect;
