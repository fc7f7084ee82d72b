import { ACTIVE_ORDER_STATUSES, ORDER_STATUSES, type OrderStatus } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents, revokedSessions, revokedUsers } from '@ticketing/common';

/** The name of the partial unique index that makes a second active order for a ticket impossible. */
export const ONE_ACTIVE_ORDER_PER_TICKET = 'orders_one_active_per_ticket';

/** The name of the unique index that gives each order of a ticket its own reservation number. */
export const RESERVATION_NUMBER_PER_TICKET = 'orders_ticket_reservation_number';

/** Why an order was cancelled: its buyer cancelled it, or its reservation window ran out. */
export const CANCEL_REASONS = ['buyer', 'expired'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

const statusList = (statuses: readonly OrderStatus[]) => sql.raw(statuses.map((status) => `'${status}'`).join(', '));

/** Replica of the tickets service's tickets, kept current by ticket.created / ticket.updated. */
export const tickets = pgTable('tickets', {
  id: uuid('id').primaryKey(),
  title: text('title').notNull(),
  /** Integer cents, as the events carry money. */
  priceCents: integer('price_cents').notNull(),
  /** The seller: nobody may reserve their own listing. */
  userId: uuid('user_id').notNull(),
  version: integer('version').notNull(),
  /**
   * Not on sale: its seller unlisted it (`status: withdrawn`) until relisted, or it is a resale
   * listing `pending` its pass's lock or `rejected` (ticket.created / ticket.updated `status`).
   * It cannot be reserved.
   */
  withdrawn: boolean('withdrawn').notNull().default(false),
  /**
   * The catalog event the ticket is for (ticket.created / ticket.updated `eventId`), null for a
   * listing of its own: order.created passes it on to payments, whose payout waits for the event.
   */
  eventId: uuid('event_id'),
});

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /**
     * The ticket's price when the order was made, in minor units: what the buyer is shown and
     * charged, whatever the seller does to the listing afterwards.
     */
    priceCents: integer('price_cents').notNull(),
    /**
     * The buyer fee stored at reservation (BUYER_FEE_PERCENT of the price then, minor units), so a
     * later change of the percentage never changes what an existing order costs. 0 on orders made
     * before fees.
     */
    buyerFeeCents: integer('buyer_fee_cents').notNull().default(0),
    /** What the buyer is charged: the price plus the buyer fee (a check keeps them equal). */
    totalCents: integer('total_cents').notNull(),
    /**
     * The order's place among its ticket's orders (1, 2, …), published in order.created: tickets
     * lets only a higher number replace the reservation it holds. Unique per ticket, so two
     * orders of one ticket never share a number and a later order always has a higher one.
     */
    reservationNumber: integer('reservation_number').notNull(),
    /**
     * Why a cancelled order was cancelled (null otherwise, and on orders cancelled before it was
     * recorded): a buyer who let a reservation expire waits out a cool-down before reserving
     * that ticket again; one who cancelled it does not.
     */
    cancelReason: text('cancel_reason').$type<CancelReason>(),
    /**
     * When payment.created completed the order, and that payment's id (the payments service's,
     * the reference a buyer quotes): null before, and on orders completed before they were recorded.
     */
    paidAt: timestamp('paid_at', { withTimezone: true }),
    paymentId: uuid('payment_id'),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // No oversell: the database, not a read before the insert, refuses a second active order.
    uniqueIndex(ONE_ACTIVE_ORDER_PER_TICKET)
      .on(table.ticketId)
      .where(sql`status in (${statusList(ACTIVE_ORDER_STATUSES)})`),
    uniqueIndex(RESERVATION_NUMBER_PER_TICKET).on(table.ticketId, table.reservationNumber),
    check('orders_status_known', sql`status in (${statusList(ORDER_STATUSES)})`),
    check('orders_price_cents_positive', sql`${table.priceCents} > 0`),
    check('orders_buyer_fee_cents_not_negative', sql`${table.buyerFeeCents} >= 0`),
    check('orders_total_is_price_plus_fee', sql`${table.totalCents} = ${table.priceCents} + ${table.buyerFeeCents}`),
    check(
      'orders_cancel_reason_known',
      sql`cancel_reason in (${sql.raw(CANCEL_REASONS.map((r) => `'${r}'`).join(', '))})`,
    ),
    index('orders_user_created_idx').on(table.userId, table.createdAt),
    // The sweep only ever looks for reservations that may be overdue.
    index('orders_created_expires_idx').on(table.expiresAt).where(sql`status = 'created'`),
  ],
);

export type TicketRow = typeof tickets.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;

export const schema = { tickets, orders };
