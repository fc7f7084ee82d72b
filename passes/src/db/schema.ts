import {
  PASS_REVOCATION_REASONS,
  PASS_STATUSES,
  type PassRevocationReason,
  type PassStatus,
  type TicketStatus,
} from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents, revokedSessions, revokedUsers } from '@ticketing/common';

/** The partial unique index that keeps one current (not revoked) pass per ticket. */
export const ONE_CURRENT_PASS_PER_TICKET = 'passes_one_current_per_ticket';
/** The unique index that issues one pass per completed order, whatever redelivers order.completed. */
export const ONE_PASS_PER_ORDER = 'passes_one_per_order';

const statusList = (statuses: readonly string[]) => sql.raw(statuses.map((status) => `'${status}'`).join(', '));

/**
 * Replica of tickets' tickets, reduced to what a pass needs: the catalog event it is for, and for
 * a resale listing (secure swap) its seller, the pass it resells and its state at this version.
 */
export const tickets = pgTable('tickets', {
  id: uuid('id').primaryKey(),
  eventId: uuid('event_id'),
  /** The seller (null in rows replicated before it was kept). */
  userId: uuid('user_id'),
  /** The pass a resale listing resells; null for an ordinary listing. */
  resaleOfPassId: uuid('resale_of_pass_id'),
  /** The ticket's status at this version; null when its event did not carry one. */
  status: text('status').$type<TicketStatus>(),
  version: integer('version').notNull(),
});

/** Replica of the catalog's events: its organizer may scan its passes. */
export const events = pgTable('events', {
  id: uuid('id').primaryKey(),
  organizerId: uuid('organizer_id').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
});

/** Replica of orders' orders: who bought which ticket, at what price; `complete` once paid. */
export const orders = pgTable('orders', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  /** What the buyer pays, in minor units: the pass's face value. */
  priceCents: integer('price_cents').notNull(),
  currency: text('currency'),
  status: text('status').notNull(),
  version: integer('version').notNull(),
});

export const passes = pgTable(
  'passes',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id').notNull(),
    orderId: uuid('order_id').notNull(),
    eventId: uuid('event_id'),
    holderId: uuid('holder_id').notNull(),
    generation: integer('generation').notNull(),
    status: text('status').$type<PassStatus>().notNull(),
    faceValue: integer('face_value').notNull(),
    currency: text('currency'),
    /** The signed code (JWS) its QR code holds. */
    code: text('code').notNull(),
    /** The resale listing the pass is locked for while `listed`; null otherwise. */
    listingId: uuid('listing_id'),
    version: integer('version').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    /** The organizer who scanned it. */
    admittedBy: uuid('admitted_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** The next generation that replaced it. */
    replacedBy: uuid('replaced_by'),
    /** Why it was revoked (`reissued` or `refunded`); null unless `revoked`. */
    revocationReason: text('revocation_reason').$type<PassRevocationReason>(),
  },
  (table) => [
    uniqueIndex(ONE_PASS_PER_ORDER).on(table.orderId),
    uniqueIndex('passes_ticket_generation_unique').on(table.ticketId, table.generation),
    uniqueIndex(ONE_CURRENT_PASS_PER_TICKET).on(table.ticketId).where(sql`status <> 'revoked'`),
    index('passes_holder_idx').on(table.holderId, table.issuedAt),
    index('passes_event_revoked_idx').on(table.eventId).where(sql`status = 'revoked'`),
    index('passes_event_listed_idx').on(table.eventId).where(sql`status = 'listed'`),
    check('passes_status_known', sql`status in (${statusList(PASS_STATUSES)})`),
    check('passes_admitted_has_time', sql`(status = 'admitted') = (admitted_at is not null and revoked_at is null)`),
    check('passes_revoked_has_time', sql`(status = 'revoked') = (revoked_at is not null)`),
    check(
      'passes_revoked_has_reason',
      sql`(status = 'revoked') = (revocation_reason is not null) and (revocation_reason is null or revocation_reason in (${statusList(PASS_REVOCATION_REASONS)}))`,
    ),
    check('passes_listed_has_listing', sql`(status = 'listed') = (listing_id is not null)`),
  ],
);

/**
 * Sales payments took back (payment.refunded): the buyer of `orderId` was refunded, so its pass is
 * revoked — at once if it was issued, or as it is issued if order.completed comes later.
 */
export const refundedOrders = pgTable('refunded_orders', {
  orderId: uuid('order_id').primaryKey(),
  paymentId: uuid('payment_id').notNull(),
  refundedAt: timestamp('refunded_at', { withTimezone: true }).notNull(),
});

export type TicketRow = typeof tickets.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type PassRow = typeof passes.$inferSelect;

export const schema = { tickets, events, orders, passes, refundedOrders };
