import { randomUUID } from 'node:crypto';
import type { Executor } from '@ticketing/common';
import { and, asc, count, eq, min, sql } from 'drizzle-orm';
import { type RefundRow, RefundStatus, refunds } from './schema';

/**
 * Records that `paymentId` must be refunded. One intent per payment: recording it again changes
 * nothing, except that an intent closed as "not needed" (the charge had not gone through when it
 * was looked at) is reopened. Returns true when an intent is now open because of this call.
 */
export async function recordRefundIntent(
  tx: Executor,
  intent: Pick<RefundRow, 'paymentId' | 'orderId' | 'reason'>,
): Promise<boolean> {
  const rows = await tx
    .insert(refunds)
    .values({ id: randomUUID(), ...intent, status: RefundStatus.Pending })
    .onConflictDoUpdate({
      target: refunds.paymentId,
      set: { status: RefundStatus.Pending, reason: intent.reason, nextAttemptAt: sql`now()`, updatedAt: sql`now()` },
      setWhere: eq(refunds.status, RefundStatus.NotNeeded),
    })
    .returning({ id: refunds.id });
  return rows.length > 0;
}

/**
 * Takes the next intent that is due, for `leaseMs`: its `next_attempt_at` moves ahead so that
 * another worker (another replica) skips it meanwhile. SKIP LOCKED lets workers take different
 * intents at once.
 */
export async function claimDueRefund(db: Executor, leaseMs: number): Promise<RefundRow | undefined> {
  const result = await db.execute(sql`
    update refunds set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
    where id = (
      select id from refunds where status = ${RefundStatus.Pending} and next_attempt_at <= now()
      order by next_attempt_at limit 1 for update skip locked
    )
    returning id`);
  const [claimed] = (result as unknown as { rows: { id: string }[] }).rows;
  return claimed ? findRefund(db, claimed.id) : undefined;
}

export async function findRefund(db: Executor, id: string): Promise<RefundRow | undefined> {
  const [row] = await db.select().from(refunds).where(eq(refunds.id, id));
  return row;
}

export type RefundChange = Partial<Pick<RefundRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'refundId'>>;

/** Updates an intent that is still pending; undefined when it was settled meanwhile. */
export async function updatePendingRefund(
  db: Executor,
  id: string,
  change: RefundChange,
): Promise<RefundRow | undefined> {
  const [row] = await db
    .update(refunds)
    .set({ ...change, updatedAt: sql`now()` })
    .where(and(eq(refunds.id, id), eq(refunds.status, RefundStatus.Pending)))
    .returning();
  return row;
}

/** The intents in `status` (every one when omitted), oldest first. */
export async function listRefunds(db: Executor, status?: RefundStatus): Promise<RefundRow[]> {
  return db
    .select()
    .from(refunds)
    .where(status ? eq(refunds.status, status) : undefined)
    .orderBy(asc(refunds.createdAt));
}

/** Puts a parked (`failed`) intent back in the worker's hands, due now; false when it is not parked. */
export async function retryParkedRefund(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .update(refunds)
    .set({
      status: RefundStatus.Pending,
      operatorRetries: sql`${refunds.operatorRetries} + 1`,
      nextAttemptAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(refunds.id, id), eq(refunds.status, RefundStatus.Failed)))
    .returning({ id: refunds.id });
  return rows.length > 0;
}

/** How many intents are in each open state, and when the oldest pending one was recorded. */
export async function refundBacklog(
  db: Executor,
): Promise<{ pending: number; failed: number; oldestPendingAt?: Date }> {
  const [pending] = await db
    .select({ n: count(), oldest: min(refunds.createdAt) })
    .from(refunds)
    .where(eq(refunds.status, RefundStatus.Pending));
  const [failed] = await db.select({ n: count() }).from(refunds).where(eq(refunds.status, RefundStatus.Failed));
  return { pending: pending?.n ?? 0, failed: failed?.n ?? 0, oldestPendingAt: pending?.oldest ?? undefined };
}

/** Marks the payment's refund intent succeeded if it is still open; true when there was one (open or done). */
export async function settleRefundOfPayment(db: Executor, paymentId: string): Promise<boolean> {
  const [intent] = await db.select().from(refunds).where(eq(refunds.paymentId, paymentId));
  if (!intent) return false;
  if (intent.status === RefundStatus.Pending)
    await updatePendingRefund(db, intent.id, { status: RefundStatus.Succeeded });
  return intent.status !== RefundStatus.NotNeeded;
}
