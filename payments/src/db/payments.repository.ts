import { type Executor, isUniqueViolation } from '@ticketing/common';
import { and, asc, count, desc, eq, inArray, isNull, lt, min, sql } from 'drizzle-orm';
import {
  ACTIVE_PAYMENT_STATUSES,
  ONE_ACTIVE_PAYMENT_PER_ORDER,
  type PaymentRow,
  PaymentStatus,
  payments,
} from './schema';

export type NewPayment = Pick<PaymentRow, 'id' | 'orderId' | 'amount' | 'currency' | 'attempt'>;

/**
 * Inserts a `pending` payment; returns undefined when the order already has a payment in flight
 * or a succeeded one. The partial unique index decides, so concurrent requests cannot both charge.
 */
export async function insertPendingPayment(tx: Executor, payment: NewPayment): Promise<PaymentRow | undefined> {
  try {
    const [row] = await tx
      .insert(payments)
      .values({ ...payment, status: PaymentStatus.Pending })
      .returning();
    return row;
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_PAYMENT_PER_ORDER)) return undefined;
    throw error;
  }
}

export async function findPayment(db: Executor, id: string): Promise<PaymentRow | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, id)).limit(1);
  return row;
}

export async function findPaymentByStripeId(db: Executor, stripeId: string): Promise<PaymentRow | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.stripeId, stripeId)).limit(1);
  return row;
}

/** The order's payment that is in flight or succeeded, if any (at most one, by the unique index). */
export async function findActivePayment(db: Executor, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), inArray(payments.status, [...ACTIVE_PAYMENT_STATUSES])))
    .limit(1);
  return row;
}

/** Attempts the gateway definitively refused: the `n` of the next idempotency key. */
export async function countFailedAttempts(db: Executor, orderId: string): Promise<number> {
  const [row] = await db
    .select({ failed: count() })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, PaymentStatus.Failed)));
  return row?.failed ?? 0;
}

/**
 * The payment whose gateway answer was never recorded (in flight, or lost to a time-out) — the one
 * a webhook about an unknown PaymentIntent of this order is about. Only the latest attempt
 * qualifies: earlier ones were answered and carry their PaymentIntent id.
 */
export async function findUnansweredPayment(db: Executor, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.orderId, orderId),
        isNull(payments.stripeId),
        inArray(payments.status, [PaymentStatus.Pending, PaymentStatus.Errored]),
      ),
    )
    .orderBy(desc(payments.createdAt))
    .limit(1);
  return row;
}

/** The order's payments that took money or may still take it: succeeded, in flight, or outcome unknown. */
export async function paymentsToRefundOfOrder(db: Executor, orderId: string): Promise<PaymentRow[]> {
  return db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.orderId, orderId),
        inArray(payments.status, [PaymentStatus.Succeeded, PaymentStatus.Pending, PaymentStatus.Errored]),
      ),
    );
}

/** Payments pending or errored since before `before`, oldest first: the reconciler's work. */
export async function findUnsettledPayments(db: Executor, before: Date, limit: number): Promise<PaymentRow[]> {
  return db
    .select()
    .from(payments)
    .where(
      and(inArray(payments.status, [PaymentStatus.Pending, PaymentStatus.Errored]), lt(payments.updatedAt, before)),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(limit);
}

/** When the oldest payment still pending or errored was last touched, if any. */
export async function oldestUnsettledPaymentAt(db: Executor): Promise<Date | undefined> {
  const [row] = await db
    .select({ oldest: min(payments.updatedAt) })
    .from(payments)
    .where(inArray(payments.status, [PaymentStatus.Pending, PaymentStatus.Errored]));
  return row?.oldest ?? undefined;
}

export type PaymentChange = Partial<Pick<PaymentRow, 'status' | 'stripeId' | 'failureMessage' | 'refundId'>>;

/**
 * `UPDATE payments SET … WHERE id = $id AND status IN ($from)`: a transition that only one of
 * several racing writers (the direct confirmation, a webhook, a listener) can make. Returns the
 * updated row, or undefined when the payment is no longer in one of the `from` states.
 */
export async function transitionPayment(
  db: Executor,
  id: string,
  from: readonly PaymentStatus[],
  change: PaymentChange,
): Promise<PaymentRow | undefined> {
  const [row] = await db
    .update(payments)
    .set({ ...change, updatedAt: sql`now()` })
    .where(and(eq(payments.id, id), inArray(payments.status, [...from])))
    .returning();
  return row;
}
