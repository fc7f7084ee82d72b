import { type Executor, enqueueEvent } from '@ticketing/common';
import { OrderHistoryKind, recordOrderHistory } from '../db/order-history.repository';
import {
  type ClaimedPayout,
  markPayoutReversed,
  markRefundedPayoutCancelled,
  type PayoutRefundChange,
  payoutPaidByPayment,
  recordReversalFailure,
  settlePayoutOfRefundedOrder,
} from '../db/payouts.repository';
import { type PayoutRow, PayoutStatus } from '../db/schema';
import { paymentRefundedEvent, payoutCancelledEvent, payoutReversedEvent } from '../events/payment-events';
import { GatewayRejectedError } from '../gateway/payment-gateway';
import type { PaymentsDeps } from './deps';
import { recordPayoutPaid, transferPayout } from './payouts';

/** One reversal per payout, however often it is tried: the gateway returns the first one again. */
export const reversalIdempotencyKey = (payoutId: string): string => `payout-${payoutId}-reversal`;

/**
 * The buyer of `payment.orderId` was refunded `payment` (a claim, a refund at the gateway): the
 * sale is undone and the seller keeps nothing. payment.refunded tells passes to revoke the
 * buyer's pass. A payout not paid is cancelled now (payout.cancelled); a paid one (or one whose
 * transfer is in flight) is left to the scheduler, which reverses the transfer (payout.reversed).
 * Call it in the transaction that records the refund; a second call changes nothing.
 */
export async function takeBackPayout(
  tx: Executor,
  payment: { id: string; orderId: string },
  cause: string,
): Promise<PayoutRefundChange['kind']> {
  const orderId = payment.orderId;
  const change = await settlePayoutOfRefundedOrder(tx, orderId);
  if (change.kind !== 'none') await enqueueEvent(tx, paymentRefundedEvent(payment.id, change.payout));
  if (change.kind === 'cancelled') {
    await recordPayoutCancelled(tx, change.payout, cause);
  } else if (change.kind === 'reversal-due') {
    await recordOrderHistory(tx, {
      orderId,
      kind: OrderHistoryKind.PayoutReversalDue,
      detail: { payoutId: change.payout.id, transferId: change.payout.transferId, cause },
    });
  }
  return change.kind;
}

/**
 * A refund of `payment` went through (the refund worker, or Stripe's charge.refunded): if it was
 * the payment that paid for the order's sale, the seller's payout is taken back.
 */
export async function takeBackPayoutOfRefundedPayment(
  tx: Executor,
  payment: { id: string; orderId: string },
  cause: string,
): Promise<PayoutRefundChange['kind']> {
  const payout = await payoutPaidByPayment(tx, payment);
  if (!payout) return 'none';
  return takeBackPayout(tx, payment, cause);
}

async function recordPayoutCancelled(tx: Executor, payout: PayoutRow, cause: string): Promise<void> {
  await enqueueEvent(tx, payoutCancelledEvent(payout));
  await recordOrderHistory(tx, {
    orderId: payout.orderId,
    kind: OrderHistoryKind.PayoutCancelled,
    detail: { payoutId: payout.id, amount: payout.amountCents, currency: payout.currency, cause },
  });
}

/** What settling a refunded payout came to. */
export type RefundedPayoutOutcome = 'cancelled' | 'reversed' | 'reversal-retry' | 'already-settled';

export interface RefundedPayoutOptions {
  now: Date;
  /** Retry delay after the n-th failed gateway call (n = 1, 2, …). */
  retryDelayMs(attempts: number): number;
}

/**
 * The scheduler's side of a refund: a payout whose buyer was refunded is cancelled if no transfer
 * went out, and its transfer is reversed (key `payout-<id>-reversal`) if one did. A payout whose
 * transfer a crash cut short is transferred again with its own key first — the gateway replays the
 * transfer that went out, or makes it now — so that what is reversed is exactly what was paid.
 */
export async function settleRefundedPayout(
  deps: PaymentsDeps,
  payout: ClaimedPayout,
  options: RefundedPayoutOptions,
): Promise<RefundedPayoutOutcome> {
  const about = { payoutId: payout.id, orderId: payout.orderId, sellerId: payout.sellerId };
  if (payout.status !== PayoutStatus.Paid && !payout.transferStartedAt) {
    const cancelled = await deps.relay.transaction(async (tx) => {
      const row = await markRefundedPayoutCancelled(tx, payout.id);
      if (row) await recordPayoutCancelled(tx, row, 'refund');
      return row;
    });
    if (cancelled) deps.logger.info(about, 'payout cancelled: the buyer was refunded');
    return cancelled ? 'cancelled' : 'already-settled';
  }
  let transferId = payout.transferId;
  try {
    if (!transferId) {
      const paidId = await transferPayout(deps, payout);
      transferId = paidId;
      await deps.relay.transaction((tx) => recordPayoutPaid(tx, payout.id, paidId));
    }
    const { id: reversalId } = await deps.gateway.reverseTransfer({
      transferId,
      idempotencyKey: reversalIdempotencyKey(payout.id),
    });
    const reversed = await deps.relay.transaction(async (tx) => {
      const row = await markPayoutReversed(tx, payout.id, { reversalId });
      if (!row) return undefined;
      await enqueueEvent(tx, payoutReversedEvent(row));
      await recordOrderHistory(tx, {
        orderId: row.orderId,
        kind: OrderHistoryKind.PayoutReversed,
        detail: { payoutId: row.id, transferId, reversalId, amount: row.amountCents, currency: row.currency },
      });
      return row;
    });
    if (!reversed) return 'already-settled';
    deps.logger.warn({ ...about, transferId, reversalId }, 'payout reversed: the buyer was refunded');
    return 'reversed';
  } catch (error) {
    if (!transferId && error instanceof GatewayRejectedError) {
      // The repeated transfer was refused: no transfer ever went out, so there is nothing to reverse.
      await deps.relay.transaction(async (tx) => {
        await recordReversalFailure(tx, payout.id, {
          attempts: payout.attempts,
          lastError: error.message,
          nextAttemptAt: options.now,
          transferStartedAt: null,
        });
        const row = await markRefundedPayoutCancelled(tx, payout.id);
        if (row) await recordPayoutCancelled(tx, row, 'refund');
      });
      return 'cancelled';
    }
    const attempts = payout.attempts + 1;
    const retryInMs = options.retryDelayMs(attempts);
    await recordReversalFailure(deps.db, payout.id, {
      attempts,
      lastError: error instanceof Error ? error.message : String(error),
      nextAttemptAt: new Date(options.now.getTime() + retryInMs),
    });
    deps.logger.error({ ...about, err: error, attempts, retryInMs }, 'payout reversal failed; retrying later');
    return 'reversal-retry';
  }
}
