import { ORDER_STATUSES, type OrderStatus } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents } from '@ticketing/common';

/** The life of a payment. `pending` and `succeeded` are the active states: at most one per order. */
export const PaymentStatus = {
  /** Inserted before the gateway is called; the charge is in flight. */
  Pending: 'pending',
  Succeeded: 'succeeded',
  /** The gateway said no for sure (declined card, invalid token): nothing was charged. */
  Failed: 'failed',
  /** The outcome is unknown (time-out, gateway error, circuit open): the retry reuses the idempotency key. */
  Errored: 'errored',
  /** Charged, then refunded (the order was cancelled meanwhile, or it was a second charge). */
  Refunded: 'refunded',
} as const;

export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export const PAYMENT_STATUSES = Object.values(PaymentStatus);
export const ACTIVE_PAYMENT_STATUSES: readonly PaymentStatus[] = [PaymentStatus.Pending, PaymentStatus.Succeeded];

/** The partial unique index that makes a second charge of one order impossible. */
export const ONE_ACTIVE_PAYMENT_PER_ORDER = 'payments_one_active_per_order';

const statusList = (statuses: readonly string[]) => sql.raw(statuses.map((status) => `'${status}'`).join(', '));

/** Replica of the orders service's orders, kept current by order.created / .cancelled / .completed. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    /** The ticket's price when the order was made, in cents: what is charged. */
    priceCents: integer('price_cents').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull(),
  },
  () => [check('orders_status_known', sql`status in (${statusList(ORDER_STATUSES)})`)],
);

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** The PaymentIntent id (`pi_…`); null until the gateway has answered. */
    stripeId: text('stripe_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status').$type<PaymentStatus>().notNull(),
    /** n of the idempotency key `order-<orderId>-attempt-<n>`: failed attempts before this one. */
    attempt: integer('attempt').notNull(),
    /** Why the payment failed or errored (the gateway's message), for support. */
    failureMessage: text('failure_message'),
    refundId: text('refund_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // No double charge: the database, not a read before the insert, refuses a second payment
    // in flight or a payment of a paid order.
    uniqueIndex(ONE_ACTIVE_PAYMENT_PER_ORDER)
      .on(table.orderId)
      .where(sql`status in (${statusList(ACTIVE_PAYMENT_STATUSES)})`),
    uniqueIndex('payments_stripe_id_unique').on(table.stripeId),
    index('payments_order_idx').on(table.orderId, table.createdAt),
    check('payments_status_known', sql`status in (${statusList(PAYMENT_STATUSES)})`),
    check('payments_amount_positive', sql`amount > 0`),
  ],
);

/** Stripe events already handled, by Stripe's event id: a redelivered webhook has no second effect. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

export type OrderRow = typeof orders.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;

export const schema = { orders, payments, stripeEvents };
