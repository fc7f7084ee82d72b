import type { Executor, PayoutState } from '@ticketing/common';
import { and, asc, count, desc, eq, inArray, isNull, type SQL, sql, sum } from 'drizzle-orm';
import {
  ClaimStatus,
  claims,
  events,
  PaymentStatus,
  type PayoutRow,
  PayoutStatus,
  payments,
  payoutAccounts,
  payouts,
} from './schema';

/** The hold as an SQL interval (hours may be fractional). */
const holdInterval = (holdHours: number) => sql`(${holdHours * 3600}::float8 * interval '1 second')`;

/**
 * When a payout is due: the hold after its event's start, or after the sale for a ticket of no
 * event; null while the event is one payments has not heard of (such a payout is not due).
 */
const dueAtOf = (holdHours: number) =>
  sql<Date | null>`case
    when ${payouts.eventId} is null then ${payouts.soldAt} + ${holdInterval(holdHours)}
    else ${events.startsAt} + ${holdInterval(holdHours)} end`.mapWith(payouts.soldAt);

/** Stores the payout of a sale unless the order has one; returns it when it is new. */
export async function insertPayout(
  tx: Executor,
  payout: Omit<
    PayoutRow,
    | 'attempts'
    | 'operatorRetries'
    | 'nextAttemptAt'
    | 'lastError'
    | 'transferId'
    | 'reversalId'
    | 'paidAt'
    | 'transferStartedAt'
    | 'refundedAt'
    | 'cancelledAt'
    | 'reversedAt'
    | 'version'
    | 'createdAt'
    | 'updatedAt'
  >,
): Promise<PayoutRow | undefined> {
  const [row] = await tx.insert(payouts).values(payout).onConflictDoNothing().returning();
  return row;
}

export async function findPayout(db: Executor, id: string): Promise<PayoutRow | undefined> {
  const [row] = await db.select().from(payouts).where(eq(payouts.id, id));
  return row;
}

export async function findPayoutOfOrder(db: Executor, orderId: string): Promise<PayoutRow | undefined> {
  const [row] = await db.select().from(payouts).where(eq(payouts.orderId, orderId));
  return row;
}

/** A payout the scheduler took, with the account it is paid to. */
export type ClaimedPayout = PayoutRow & { accountId: string };

/**
 * Takes the next payout that is due, for `leaseMs`: held, its hold over, its seller's account
 * ready, and not tried again before `next_attempt_at`. Its `next_attempt_at` moves ahead, so that
 * another scheduler (another replica) skips it meanwhile; SKIP LOCKED lets schedulers take
 * different payouts at once. Only payouts due by `dueBy` (the sweep's start) are taken, so a
 * payout retried soon after a failure waits for the next sweep. A payout whose order has an open
 * claim is held (not due), and one whose buyer was refunded is never paid: the refund settles it.
 * `transfer_started_at` marks the transfer in flight until its outcome is recorded.
 */
export async function claimDuePayout(
  db: Executor,
  { holdHours, leaseMs, dueBy }: { holdHours: number; leaseMs: number; dueBy: Date },
): Promise<ClaimedPayout | undefined> {
  return leasePayout(db, {
    leaseMs,
    startTransfer: true,
    candidate: sql`
      select p.id from payouts p
      join payout_accounts a on a.user_id = p.seller_id and a.ready
      left join events e on e.id = p.event_id
      where p.status = ${PayoutStatus.Held} and p.next_attempt_at <= least(now(), ${dueBy.toISOString()}::timestamptz)
        and p.refunded_at is null
        and not exists (select 1 from claims c where c.order_id = p.order_id and c.status = ${ClaimStatus.Open})
        and (p.event_id is null or e.id is not null)
        and coalesce(e.starts_at, p.sold_at) + ${holdInterval(holdHours)} <= now()
      order by p.next_attempt_at limit 1
      for update of p skip locked`,
  });
}

/**
 * Leases the payout `candidate` selects (one id, `FOR UPDATE … SKIP LOCKED`) for `leaseMs` — its
 * `next_attempt_at` moves ahead, and `transfer_started_at` is set when a transfer starts — and
 * reads it with its seller's payout account ('' when the seller has none).
 */
async function leasePayout(
  db: Executor,
  { leaseMs, startTransfer, candidate }: { leaseMs: number; startTransfer: boolean; candidate: SQL },
): Promise<ClaimedPayout | undefined> {
  const result = await db.execute(sql`
    update payouts set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      ${startTransfer ? sql`, transfer_started_at = now()` : sql``}
    where id = (${candidate})
    returning id`);
  const [claimed] = (result as unknown as { rows: { id: string }[] }).rows;
  if (!claimed) return undefined;
  const [row] = await db
    .select({ payout: payouts, accountId: payoutAccounts.accountId })
    .from(payouts)
    .leftJoin(payoutAccounts, eq(payoutAccounts.userId, payouts.sellerId))
    .where(eq(payouts.id, claimed.id));
  return row ? { ...row.payout, accountId: row.accountId ?? '' } : undefined;
}

/** Records the transfer of a payout not settled (its next version); undefined when it was settled meanwhile. */
export async function markPayoutPaid(
  tx: Executor,
  id: string,
  { transferId }: { transferId: string },
): Promise<PayoutRow | undefined> {
  const [row] = await tx
    .update(payouts)
    .set({
      status: PayoutStatus.Paid,
      transferId,
      paidAt: sql`now()`,
      lastError: null,
      transferStartedAt: null,
      // A refund that came while the transfer was in flight reverses it at the next sweep.
      nextAttemptAt: sql`now()`,
      version: sql`${payouts.version} + 1`,
      updatedAt: sql`now()`,
    })
    // Parked too: a transfer that may have gone out before it was parked is recorded when it is repeated.
    .where(and(eq(payouts.id, id), inArray(payouts.status, [PayoutStatus.Held, PayoutStatus.Failed])))
    .returning();
  return row;
}

export type PayoutFailureChange = Pick<PayoutRow, 'attempts' | 'lastError'> &
  Partial<Pick<PayoutRow, 'nextAttemptAt' | 'status' | 'transferStartedAt'>>;

/**
 * Records a failed transfer of a payout still held (retry later, or parked); undefined when settled
 * meanwhile. The transfer is no longer in flight unless `change` says it may have gone out.
 */
export async function recordPayoutFailure(
  tx: Executor,
  id: string,
  change: PayoutFailureChange,
): Promise<PayoutRow | undefined> {
  const [row] = await tx
    .update(payouts)
    .set({ transferStartedAt: null, ...change, updatedAt: sql`now()` })
    .where(and(eq(payouts.id, id), eq(payouts.status, PayoutStatus.Held)))
    .returning();
  return row;
}

/** Puts a parked (`failed`) payout back in the scheduler's hands, due now; undefined when it is not parked. */
export async function retryParkedPayout(tx: Executor, id: string): Promise<PayoutRow | undefined> {
  const [row] = await tx
    .update(payouts)
    .set({
      status: PayoutStatus.Held,
      attempts: 0,
      operatorRetries: sql`${payouts.operatorRetries} + 1`,
      nextAttemptAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(payouts.id, id), eq(payouts.status, PayoutStatus.Failed)))
    .returning();
  return row;
}

/** The payouts in `status` (every one when omitted), oldest first: the operator's list. */
export function listPayouts(db: Executor, status?: PayoutStatus): Promise<PayoutRow[]> {
  return db
    .select()
    .from(payouts)
    .where(status ? eq(payouts.status, status) : undefined)
    .orderBy(asc(payouts.createdAt));
}

/** How many payouts are parked for an operator. */
export async function failedPayoutCount(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(payouts).where(eq(payouts.status, PayoutStatus.Failed));
  return row?.n ?? 0;
}

/** A seller's payout as "My payouts" shows it. */
export interface SellerPayout extends PayoutRow {
  state: PayoutState;
  dueAt: Date | null;
}

/** A seller's payouts, newest sale first, with the state they see (awaiting their account, held until …). */
export async function listSellerPayouts(
  db: Executor,
  sellerId: string,
  { holdHours, state, limit }: { holdHours: number; state?: PayoutState; limit: number },
): Promise<SellerPayout[]> {
  const stateOf = sql<PayoutState>`case
    when ${payouts.status} <> ${PayoutStatus.Held} then ${payouts.status}
    when exists (select 1 from ${claims} where ${claims.orderId} = ${payouts.orderId} and ${claims.status} = ${ClaimStatus.Open}) then 'on_hold'
    when ${payoutAccounts.ready} is not true then 'awaiting_account'
    else 'held' end`;
  const rows = await db
    .select({ payout: payouts, state: stateOf, dueAt: dueAtOf(holdHours) })
    .from(payouts)
    .leftJoin(events, eq(events.id, payouts.eventId))
    .leftJoin(payoutAccounts, eq(payoutAccounts.userId, payouts.sellerId))
    .where(and(eq(payouts.sellerId, sellerId), state ? sql`${stateOf} = ${state}` : undefined))
    .orderBy(desc(payouts.soldAt), desc(payouts.id))
    .limit(limit);
  return rows.map(({ payout, state: seen, dueAt }) => ({ ...payout, state: seen, dueAt }));
}

/** A seller's payouts still held, and what they add up to (what waits for their account). */
export async function heldPayoutsOfSeller(
  db: Executor,
  sellerId: string,
): Promise<{ sales: number; amountCents: number }> {
  const [row] = await db
    .select({ sales: count(), amount: sum(payouts.amountCents).mapWith(Number) })
    .from(payouts)
    .where(and(eq(payouts.sellerId, sellerId), eq(payouts.status, PayoutStatus.Held)));
  return { sales: row?.sales ?? 0, amountCents: row?.amount ?? 0 };
}

/** The payment that charged an order's buyer, if payments holds one. */
export async function succeededPaymentIdOfOrder(db: Executor, orderId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, PaymentStatus.Succeeded)))
    .limit(1);
  return row?.id;
}

/** What a refund of the buyer did to the order's payout. */
export type PayoutRefundChange =
  | { kind: 'cancelled'; payout: PayoutRow }
  | { kind: 'reversal-due'; payout: PayoutRow }
  | { kind: 'none' };

/**
 * The buyer of `orderId` was refunded: a payout not paid (held, parked) and with no transfer in
 * flight is cancelled at once (its next version); any other one still standing (paid, or with a
 * transfer in flight) is marked for the scheduler, which reverses its transfer. Nothing changes for
 * a payout already settled this way (a repeated refund).
 */
export async function settlePayoutOfRefundedOrder(tx: Executor, orderId: string): Promise<PayoutRefundChange> {
  const [cancelled] = await tx
    .update(payouts)
    .set({
      status: PayoutStatus.Cancelled,
      refundedAt: sql`now()`,
      cancelledAt: sql`now()`,
      version: sql`${payouts.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(payouts.orderId, orderId),
        inArray(payouts.status, [PayoutStatus.Held, PayoutStatus.Failed]),
        isNull(payouts.transferStartedAt),
        isNull(payouts.refundedAt),
      ),
    )
    .returning();
  if (cancelled) return { kind: 'cancelled', payout: cancelled };
  const [due] = await tx
    .update(payouts)
    .set({ refundedAt: sql`now()`, nextAttemptAt: sql`now()`, attempts: 0, updatedAt: sql`now()` })
    .where(
      and(
        eq(payouts.orderId, orderId),
        inArray(payouts.status, [PayoutStatus.Held, PayoutStatus.Paid, PayoutStatus.Failed]),
        isNull(payouts.refundedAt),
      ),
    )
    .returning();
  return due ? { kind: 'reversal-due', payout: due } : { kind: 'none' };
}

/**
 * Takes the next payout whose buyer was refunded and which still stands, for `leaseMs`: paid (its
 * transfer is to be reversed), held with a transfer that may have gone out (a crash), or held or
 * parked with none (to be cancelled). SKIP LOCKED, the lease and `dueBy`, as for transfers.
 */
export async function claimRefundedPayout(
  db: Executor,
  { leaseMs, dueBy }: { leaseMs: number; dueBy: Date },
): Promise<ClaimedPayout | undefined> {
  return leasePayout(db, {
    leaseMs,
    startTransfer: false,
    candidate: sql`
      select p.id from payouts p
      where p.refunded_at is not null and p.status in (${PayoutStatus.Held}, ${PayoutStatus.Paid}, ${PayoutStatus.Failed})
        and p.next_attempt_at <= least(now(), ${dueBy.toISOString()}::timestamptz)
      order by p.next_attempt_at limit 1
      for update of p skip locked`,
  });
}

/** Cancels a refunded payout that was never transferred (its next version); undefined when settled meanwhile. */
export async function markRefundedPayoutCancelled(tx: Executor, id: string): Promise<PayoutRow | undefined> {
  const [row] = await tx
    .update(payouts)
    .set({
      status: PayoutStatus.Cancelled,
      cancelledAt: sql`now()`,
      version: sql`${payouts.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(payouts.id, id),
        inArray(payouts.status, [PayoutStatus.Held, PayoutStatus.Failed]),
        isNull(payouts.transferStartedAt),
      ),
    )
    .returning();
  return row;
}

/** Records the reversal of a paid payout (its next version); undefined when it was recorded before. */
export async function markPayoutReversed(
  tx: Executor,
  id: string,
  { reversalId }: { reversalId: string },
): Promise<PayoutRow | undefined> {
  const [row] = await tx
    .update(payouts)
    .set({
      status: PayoutStatus.Reversed,
      reversalId,
      reversedAt: sql`now()`,
      lastError: null,
      version: sql`${payouts.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(payouts.id, id), eq(payouts.status, PayoutStatus.Paid)))
    .returning();
  return row;
}

/** Records a failed reversal (or a failed repeat of an interrupted transfer): retried at `nextAttemptAt`. */
export async function recordReversalFailure(
  db: Executor,
  id: string,
  change: Pick<PayoutRow, 'attempts' | 'lastError' | 'nextAttemptAt'> & Partial<Pick<PayoutRow, 'transferStartedAt'>>,
): Promise<void> {
  await db
    .update(payouts)
    .set({ ...change, updatedAt: sql`now()` })
    .where(eq(payouts.id, id));
}

/**
 * The payout that a refund of `paymentId` takes back: the order's, when that payment is the one
 * that paid for it (or the payout names none and no other payment of the order still stands).
 */
export async function payoutPaidByPayment(
  db: Executor,
  payment: { id: string; orderId: string },
): Promise<PayoutRow | undefined> {
  const [row] = await db
    .select()
    .from(payouts)
    .where(
      and(
        eq(payouts.orderId, payment.orderId),
        sql`(${payouts.paymentId} = ${payment.id} or (${payouts.paymentId} is null and not exists (
          select 1 from ${payments} where ${payments.orderId} = ${payment.orderId}
            and ${payments.id} <> ${payment.id} and ${payments.status} = ${PaymentStatus.Succeeded})))`,
      ),
    );
  return row;
}

/**
 * How many payouts of refunded buyers still stand (not cancelled or reversed yet): the scheduler
 * settles each within a sweep, so one that stays is a reversal the gateway keeps refusing.
 */
export async function payoutReversalsDueCount(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(payouts)
    .where(
      and(
        sql`${payouts.refundedAt} is not null`,
        inArray(payouts.status, [PayoutStatus.Held, PayoutStatus.Paid, PayoutStatus.Failed]),
      ),
    );
  return row?.n ?? 0;
}
