import { randomUUID } from 'node:crypto';
import { type Executor, enqueueEvent, sellerProceeds } from '@ticketing/common';
import { OrderHistoryKind, recordOrderHistory } from '../db/order-history.repository';
import { findOrder } from '../db/orders.repository';
import {
  type ClaimedPayout,
  insertPayout,
  markPayoutPaid,
  recordPayoutFailure,
  retryParkedPayout,
  succeededPaymentIdOfOrder,
} from '../db/payouts.repository';
import { type PayoutRow, PayoutStatus } from '../db/schema';
import { payoutPaidEvent } from '../events/payment-events';
import { GatewayUnavailableError, isClientSideGatewayError } from '../gateway/payment-gateway';
import type { PaymentsDeps } from './deps';
import { transferGroupOf } from './pay-order';

/**
 * One transfer per payout, however often the scheduler tries (a crash between the transfer and
 * its commit included): the gateway returns the first transfer again. An operator's retry of a
 * parked payout gets a key of its own, since the gateway would replay its refusal to the old one
 * (and a refused key moved no money).
 */
export const payoutIdempotencyKey = (payoutId: string, operatorRetries = 0): string =>
  operatorRetries === 0 ? `payout-${payoutId}` : `payout-${payoutId}-retry-${operatorRetries}`;

export interface CompletedSale {
  orderId: string;
  ticketId: string;
  /** When the order completed (order.completed's `occurredAt`). */
  soldAt: Date;
}

/** What recording a sale's payout came to. */
export type PayoutRecordOutcome = 'recorded' | 'duplicate' | 'no-seller' | 'nothing-to-pay';

/**
 * A completed order owes its seller the ticket's price less the seller fee: records the payout
 * (held) and the "sold" step of the order's history. Call it in the transaction that applies
 * order.completed; once per order (order_id is unique), so a redelivery records nothing more.
 */
export async function recordPayoutOfSale(
  tx: Executor,
  { sellerFeePercent, currency }: Pick<PaymentsDeps, 'sellerFeePercent' | 'currency'>,
  sale: CompletedSale,
): Promise<PayoutRecordOutcome> {
  const order = await findOrder(tx, sale.orderId);
  // An order.created published before it carried the seller: there is no one to pay.
  if (!order?.sellerId) return 'no-seller';
  const { sellerFee, payout: amount } = sellerProceeds(order.priceCents, sellerFeePercent);
  if (amount <= 0) return 'nothing-to-pay';
  const payout = await insertPayout(tx, {
    id: randomUUID(),
    orderId: order.id,
    sellerId: order.sellerId,
    ticketId: sale.ticketId,
    paymentId: (await succeededPaymentIdOfOrder(tx, order.id)) ?? null,
    priceCents: order.priceCents,
    sellerFeeCents: sellerFee,
    amountCents: amount,
    currency,
    eventId: order.eventId,
    soldAt: sale.soldAt,
    status: PayoutStatus.Held,
  });
  if (!payout) return 'duplicate';
  await recordOrderHistory(tx, {
    orderId: order.id,
    kind: OrderHistoryKind.Sold,
    detail: {
      payoutId: payout.id,
      sellerId: payout.sellerId,
      price: payout.priceCents,
      sellerFee: payout.sellerFeeCents,
      payout: payout.amountCents,
      currency,
    },
  });
  return 'recorded';
}

/** What one attempt at a due payout came to. */
export type PayoutAttemptOutcome = 'paid' | 'already-settled' | 'retry' | 'parked';

export interface PayoutAttemptOptions {
  now: Date;
  /** Refused transfers after which the payout is parked as `failed` (PAYOUT_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Retry delay after the n-th failed transfer (n = 1, 2, …). */
  retryDelayMs(attempts: number): number;
}

/**
 * Transfers a due payout to its seller's account, then records it in one transaction: paid, its
 * transfer, its next version, payout.paid in the outbox and the history's step. A crash between
 * the two leaves the payout held with its lease; the next attempt repeats the transfer with the
 * same idempotency key and the gateway answers with the first one: the seller is paid once.
 *
 * A refused transfer is retried with back-off and, after `maxAttempts` refusals, parked as
 * `failed` for an operator. A gateway that cannot be reached (or whose circuit is open) is not a
 * refusal: the payout is retried later without counting it.
 */
export async function attemptPayout(
  deps: PaymentsDeps,
  payout: ClaimedPayout,
  { now, maxAttempts, retryDelayMs }: PayoutAttemptOptions,
): Promise<PayoutAttemptOutcome> {
  const about = { payoutId: payout.id, orderId: payout.orderId, sellerId: payout.sellerId };
  let transferId: string;
  try {
    transferId = await transferPayout(deps, payout);
  } catch (error) {
    return recordFailedTransfer(deps, payout, error, { now, maxAttempts, retryDelayMs });
  }
  const paid = await deps.relay.transaction((tx) => recordPayoutPaid(tx, payout.id, transferId));
  if (!paid) return 'already-settled';
  deps.logger.info({ ...about, transferId, amount: paid.amountCents }, 'payout paid');
  return 'paid';
}

/**
 * Transfers the payout to its seller's account, linked to the sale's charge (transfer group
 * `order-<orderId>`), with the payout's idempotency key: however often it is asked, one transfer
 * goes out. Resolves with the transfer's id.
 */
export async function transferPayout(deps: Pick<PaymentsDeps, 'gateway'>, payout: ClaimedPayout): Promise<string> {
  const { id } = await deps.gateway.transfer({
    amount: payout.amountCents,
    currency: payout.currency,
    destination: payout.accountId,
    transferGroup: transferGroupOf(payout.orderId),
    idempotencyKey: payoutIdempotencyKey(payout.id, payout.operatorRetries),
    metadata: { payoutId: payout.id, orderId: payout.orderId },
  });
  return id;
}

/**
 * Records a transfer that went out (in `tx`): the payout is paid (its next version), with
 * payout.paid and the history's `payout_paid`. Undefined when the payout was settled meanwhile.
 */
export async function recordPayoutPaid(tx: Executor, payoutId: string, transferId: string) {
  const row = await markPayoutPaid(tx, payoutId, { transferId });
  if (!row) return undefined;
  await enqueueEvent(tx, payoutPaidEvent(row));
  await recordOrderHistory(tx, {
    orderId: row.orderId,
    kind: OrderHistoryKind.PayoutPaid,
    detail: { payoutId: row.id, transferId, amount: row.amountCents, currency: row.currency },
  });
  return row;
}

async function recordFailedTransfer(
  deps: PaymentsDeps,
  payout: ClaimedPayout,
  error: unknown,
  { now, maxAttempts, retryDelayMs }: PayoutAttemptOptions,
): Promise<PayoutAttemptOutcome> {
  const about = { payoutId: payout.id, orderId: payout.orderId, sellerId: payout.sellerId, err: error };
  const lastError = error instanceof Error ? error.message : String(error);
  // Unless the gateway refused it, the transfer may have gone out: a refund meanwhile must reverse it.
  const transferStartedAt = isClientSideGatewayError(error) ? null : payout.transferStartedAt;
  if (error instanceof GatewayUnavailableError) {
    const retryInMs = retryDelayMs(payout.attempts + 1);
    await recordPayoutFailure(deps.db, payout.id, {
      attempts: payout.attempts,
      transferStartedAt,
      lastError,
      nextAttemptAt: new Date(now.getTime() + retryInMs),
    });
    deps.logger.warn({ ...about, retryInMs }, 'payout transfer failed: the gateway is unavailable; retrying later');
    return 'retry';
  }
  const attempts = payout.attempts + 1;
  if (attempts < maxAttempts) {
    const retryInMs = retryDelayMs(attempts);
    await recordPayoutFailure(deps.db, payout.id, {
      attempts,
      transferStartedAt,
      lastError,
      nextAttemptAt: new Date(now.getTime() + retryInMs),
    });
    deps.logger.warn({ ...about, attempts, retryInMs }, 'payout transfer refused; retrying later');
    return 'retry';
  }
  await deps.db.transaction(async (tx) => {
    const parked = await recordPayoutFailure(tx, payout.id, {
      attempts,
      lastError,
      transferStartedAt,
      status: PayoutStatus.Failed,
    });
    if (parked) {
      await recordOrderHistory(tx, {
        orderId: payout.orderId,
        kind: OrderHistoryKind.PayoutFailed,
        detail: { payoutId: payout.id, attempts, error: lastError },
      });
    }
  });
  deps.logger.error({ ...about, attempts }, 'payout transfer refused repeatedly; parked as failed');
  return 'parked';
}

/**
 * An operator puts a parked payout back, once its cause is fixed (the platform's balance topped
 * up, the seller's account repaired): held again and due now, with a fresh idempotency key.
 */
export async function retryPayout(deps: Pick<PaymentsDeps, 'db'>, payoutId: string): Promise<PayoutRow | undefined> {
  return deps.db.transaction(async (tx) => {
    const retried = await retryParkedPayout(tx, payoutId);
    if (retried) {
      await recordOrderHistory(tx, {
        orderId: retried.orderId,
        kind: OrderHistoryKind.PayoutRetried,
        detail: { payoutId, operatorRetries: retried.operatorRetries },
      });
    }
    return retried;
  });
}
