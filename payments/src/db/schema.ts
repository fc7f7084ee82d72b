import { ORDER_STATUSES, type OrderStatus } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export { outbox, processedEvents, revokedSessions, revokedUsers } from '@ticketing/common';

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
    /** The ticket's price when the order was made, in cents: what the seller's payout is computed from. */
    priceCents: integer('price_cents').notNull(),
    /** The buyer fee stored on the order (order.created `buyerFee`); 0 for orders made before fees. */
    buyerFeeCents: integer('buyer_fee_cents').notNull().default(0),
    /** What is charged: the price plus the buyer fee (order.created `total`; the price before fees). */
    totalCents: integer('total_cents').notNull(),
    /** The ticket's seller, to be paid out (null: an order.created from before it was carried). */
    sellerId: uuid('seller_id'),
    /** The ticket's catalog event, whose start sets when the seller is paid out (null: none, or not carried). */
    eventId: uuid('event_id'),
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

/** The life of a refund intent: recorded with the decision to refund, performed by the refund worker. */
export const RefundStatus = {
  /** To do: the worker calls the gateway at `nextAttemptAt` until the gateway confirms. */
  Pending: 'pending',
  /** The gateway confirmed the refund (or the charge had been refunded before). */
  Succeeded: 'succeeded',
  /** The charge it was recorded for never went through: there is nothing to give back. */
  NotNeeded: 'not_needed',
  /** The gateway refused it for good (e.g. a disputed charge): parked for an operator (refund_failed). */
  Failed: 'failed',
} as const;

export type RefundStatus = (typeof RefundStatus)[keyof typeof RefundStatus];

export const REFUND_STATUSES = Object.values(RefundStatus);

/**
 * Refund intents: one per payment that must give its money back, written in the transaction that
 * decided it (a charge completed for a cancelled order, a cancellation that found the order paid or
 * still being charged, a second charge of a paid order). The refund worker performs each with the
 * idempotency key `refund-<paymentId>` and retries with back-off until the gateway confirms.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    orderId: uuid('order_id').notNull(),
    reason: text('reason').notNull(),
    status: text('status').$type<RefundStatus>().notNull(),
    /** Gateway calls made so far. */
    attempts: integer('attempts').notNull().default(0),
    /**
     * Times an operator put the parked intent back. Each gets a fresh idempotency key: the gateway
     * replays a refusal to the same key, and refuses by itself to refund a charge twice.
     */
    operatorRetries: integer('operator_retries').notNull().default(0),
    /** When the worker may try next (also a lease: a worker that takes the intent pushes it ahead). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** The gateway's last refusal or failure, for the operator. */
    lastError: text('last_error'),
    /** The gateway's Refund id (`re_…`) once confirmed. */
    refundId: text('refund_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('refunds_one_per_payment').on(table.paymentId),
    index('refunds_due_idx').on(table.nextAttemptAt).where(sql`status = 'pending'`),
    check('refunds_status_known', sql`status in (${statusList(REFUND_STATUSES)})`),
  ],
);

/**
 * The sandbox gateway's own records (used only when payments runs without STRIPE_KEY): the
 * PaymentIntents it "created", kept in the service's database so that, like Stripe, it still knows
 * a charge after the service restarts — which is what lets the reconciler settle a charge a crash
 * cut short. Keyed by the charge's idempotency key, which replays the first outcome.
 */
export const sandboxPaymentIntents = pgTable('sandbox_payment_intents', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  /** The request's parameters: the same key with other parameters is an idempotency error. */
  fingerprint: text('fingerprint').notNull(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  /** `succeeded`, `requires_payment_method` (declined), `requires_action`, or `rejected` (no intent at Stripe). */
  status: text('status').notNull(),
  metadata: jsonb('metadata').$type<Record<string, string>>().notNull(),
  /** The decline or rejection, replayed to a repeated request. */
  error: jsonb('error').$type<{ kind: 'declined' | 'rejected'; message: string; code: string; declineCode?: string }>(),
  refundId: text('refund_id'),
  refundIdempotencyKey: text('refund_idempotency_key').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The sandbox's connected accounts (`acct_sandbox_…`), one per idempotency key (`account-<userId>`):
 * ready at once, since there is no onboarding offline.
 */
export const sandboxAccounts = pgTable('sandbox_accounts', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  userId: uuid('user_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The sandbox's transfers to connected accounts, keyed by their idempotency key (`payout-<id>`),
 * which replays the first transfer, and their reversals, keyed likewise: money moves once per key.
 */
export const sandboxTransfers = pgTable('sandbox_transfers', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  /** The request's parameters: the same key with other parameters is an idempotency error. */
  fingerprint: text('fingerprint').notNull(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  destination: text('destination').notNull(),
  transferGroup: text('transfer_group').notNull(),
  metadata: jsonb('metadata').$type<Record<string, string>>().notNull(),
  reversalId: text('reversal_id'),
  reversalIdempotencyKey: text('reversal_idempotency_key').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Sellers' payout accounts: a Stripe Connect Express account (or the sandbox's), created once per
 * seller; `ready` once it can receive transfers (onboarding finished).
 */
export const payoutAccounts = pgTable('payout_accounts', {
  userId: uuid('user_id').primaryKey(),
  accountId: text('account_id').notNull().unique(),
  ready: boolean('ready').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Replica of the catalog's events (event.created / event.updated), reduced to when they start. */
export const events = pgTable('events', {
  id: uuid('id').primaryKey(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
});

/** Orders whose pass was admitted at the door (pass.admitted): a claim on them is declined. */
export const admittedOrders = pgTable('admitted_orders', {
  orderId: uuid('order_id').primaryKey(),
  admittedAt: timestamp('admitted_at', { withTimezone: true }).notNull(),
});

/** The life of a seller's payout. */
export const PayoutStatus = {
  /** Not paid yet: waiting for its due time, the seller's account, or the scheduler. */
  Held: 'held',
  Paid: 'paid',
  /** The buyer was refunded before it was paid. */
  Cancelled: 'cancelled',
  /** Paid, then taken back (a transfer reversal). */
  Reversed: 'reversed',
  /** The gateway refused the transfer `PAYOUT_MAX_ATTEMPTS` times: parked for an operator. */
  Failed: 'failed',
} as const;

export type PayoutStatus = (typeof PayoutStatus)[keyof typeof PayoutStatus];

export const PAYOUT_STATUSES = Object.values(PayoutStatus);

/**
 * One payout per completed order (order_id is unique: a sale is paid out once), written when
 * order.completed is applied. The scheduler transfers `amount_cents` to the seller's account with
 * the idempotency key `payout-<id>` once it is due.
 */
export const payouts = pgTable(
  'payouts',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    sellerId: uuid('seller_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    /** The payment that charged the buyer (null if payments holds none, e.g. paid before this replica). */
    paymentId: uuid('payment_id'),
    priceCents: integer('price_cents').notNull(),
    sellerFeeCents: integer('seller_fee_cents').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    /** The catalog event the ticket is for: the payout is due `PAYOUT_HOLD_HOURS` after its start. */
    eventId: uuid('event_id'),
    /** When the order completed: without an event, the payout is due `PAYOUT_HOLD_HOURS` after it. */
    soldAt: timestamp('sold_at', { withTimezone: true }).notNull(),
    status: text('status').$type<PayoutStatus>().notNull(),
    /** Failed transfer attempts so far. */
    attempts: integer('attempts').notNull().default(0),
    /** Times an operator put the parked payout back; each gets a fresh idempotency key. */
    operatorRetries: integer('operator_retries').notNull().default(0),
    /** When the scheduler may try next (also a lease: a scheduler that takes it pushes it ahead). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** The gateway's transfer (`tr_…`) once paid. */
    transferId: text('transfer_id'),
    reversalId: text('reversal_id'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /**
     * Set when the scheduler takes the payout for a transfer, cleared once the outcome is recorded:
     * set on a held payout, a transfer may have gone out (a crash cut it short), so a refund cannot
     * just cancel it — the scheduler repeats the transfer with its key and reverses it.
     */
    transferStartedAt: timestamp('transfer_started_at', { withTimezone: true }),
    /** The buyer was refunded: the payout must not stand (cancelled if unpaid, otherwise reversed). */
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('payouts_one_per_order').on(table.orderId),
    uniqueIndex('payouts_transfer_id_unique').on(table.transferId),
    index('payouts_seller_idx').on(table.sellerId, table.soldAt),
    index('payouts_due_idx').on(table.nextAttemptAt).where(sql`status = 'held'`),
    check('payouts_status_known', sql`status in (${statusList(PAYOUT_STATUSES)})`),
    check('payouts_amount_positive', sql`amount_cents > 0`),
    check('payouts_amounts_add_up', sql`amount_cents = price_cents - seller_fee_cents`),
  ],
);

/** Every step of an order's money (sold, paid out, …): one entry each, for support and claims. */
export const orderHistory = pgTable(
  'order_history',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    /** `sold`, `payout_paid`, `payout_failed`, … */
    kind: text('kind').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('order_history_order_idx').on(table.orderId, table.at)],
);

/** The life of a buyer's claim: open (the payout is held), then one of its outcomes. */
export const ClaimStatus = {
  Open: 'open',
  /** The buyer's pass was admitted at the door. */
  Declined: 'declined',
  /** An operator refunded the buyer: the payout is cancelled or reversed. */
  Refunded: 'refunded',
  /** An operator released the payout to the seller. */
  Released: 'released',
} as const;

export type ClaimStatus = (typeof ClaimStatus)[keyof typeof ClaimStatus];

export const CLAIM_STATUSES = Object.values(ClaimStatus);

/**
 * Buyers' claims ("my ticket did not work"): one per order (order_id is unique). While one is
 * open, the order's payout is not paid.
 */
export const claims = pgTable(
  'claims',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    buyerId: uuid('buyer_id').notNull(),
    message: text('message').notNull(),
    status: text('status').$type<ClaimStatus>().notNull(),
    /** Why it was declined or decided (the admission, the operator's decision). */
    reason: text('reason'),
    /** The operator who decided it; null while open or when declined automatically. */
    resolvedBy: uuid('resolved_by'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    version: integer('version').notNull().default(0),
  },
  (table) => [
    uniqueIndex('claims_one_per_order').on(table.orderId),
    index('claims_buyer_idx').on(table.buyerId, table.openedAt),
    index('claims_open_idx').on(table.openedAt).where(sql`status = 'open'`),
    check('claims_status_known', sql`status in (${statusList(CLAIM_STATUSES)})`),
    check('claims_message_length', sql`char_length(message) between 1 and 1000`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type ClaimRow = typeof claims.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type SandboxPaymentIntentRow = typeof sandboxPaymentIntents.$inferSelect;
export type SandboxAccountRow = typeof sandboxAccounts.$inferSelect;
export type SandboxTransferRow = typeof sandboxTransfers.$inferSelect;
export type PayoutAccountRow = typeof payoutAccounts.$inferSelect;
export type CatalogEventRow = typeof events.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;
export type OrderHistoryRow = typeof orderHistory.$inferSelect;

export const schema = {
  orders,
  payments,
  stripeEvents,
  refunds,
  sandboxPaymentIntents,
  sandboxAccounts,
  sandboxTransfers,
  payoutAccounts,
  events,
  admittedOrders,
  payouts,
  orderHistory,
  claims,
};
