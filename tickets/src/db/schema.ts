import { outbox, processedEvents } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents, revokedSessions, revokedUsers } from '@ticketing/common';

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
    // Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly.
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('tickets_price_cents_range', sql`${table.priceCents} between 1 and 100000000`),
    check('tickets_title_length', sql`char_length(${table.title}) between 1 and 200`),
    // The public listing: available tickets, newest first.
    index('tickets_available_idx')
      .on(table.createdAt, table.id)
      .where(sql`${table.orderId} is null and ${table.soldAt} is null and ${table.withdrawnAt} is null`),
    // The listing with `include=reserved`: available and reserved tickets, newest first.
    index('tickets_unsold_idx')
      .on(table.createdAt, table.id)
      .where(sql`${table.soldAt} is null and ${table.withdrawnAt} is null`),
    index('tickets_user_idx').on(table.userId, table.createdAt, table.id),
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

export const schema = { tickets, cancelledOrders, outbox, processedEvents };

export type TicketRow = typeof tickets.$inferSelect;
