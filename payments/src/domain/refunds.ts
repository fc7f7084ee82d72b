import type { Executor } from '@ticketing/common';
import { findPayment, paymentsToRefundOfOrder, transitionPayment } from '../db/payments.repository';
import { recordRefundIntent, updatePendingRefund } from '../db/refunds.repository';
import { type PaymentRow, PaymentStatus, type RefundRow, RefundStatus } from '../db/schema';
import { GatewayIdempotencyError, GatewayRejectedError, type PaymentIntentState } from '../gateway/payment-gateway';
import type { PaymentsDeps } from './deps';
import { takeBackPayoutOfRefundedPayment } from './payout-refunds';

/**
 * One refund per payment, however often the worker tries: the gateway returns the first refund
 * again. An operator's retry of a parked refund (`operatorRetries` > 0) gets a key of its own,
 * since the gateway would replay its refusal to the old one.
 */
export const refundIdempotencyKey = (paymentId: string, operatorRetries = 0): string =>
  operatorRetries === 0 ? `refund-${paymentId}` : `refund-${paymentId}-retry-${operatorRetries}`;

/** Every state a charged payment can be recorded in before it is refunded. */
const REFUNDABLE: readonly PaymentStatus[] = [
  PaymentStatus.Succeeded,
  PaymentStatus.Pending,
  PaymentStatus.Errored,
  PaymentStatus.Failed,
];

/**
 * A cancelled order keeps no money: records a refund intent for each of its payments that took
 * money or may still take it (succeeded, in flight, outcome unknown). Call it in the transaction
 * that records the cancellation. Returns how many intents it opened.
 */
export async function recordRefundsOfCancelledOrder(tx: Executor, orderId: string): Promise<number> {
  let opened = 0;
  for (const payment of await paymentsToRefundOfOrder(tx, orderId)) {
    if (await recordRefundIntent(tx, { paymentId: payment.id, orderId, reason: 'order cancelled' })) opened += 1;
  }
  return opened;
}

/** What one attempt at an intent came to. */
export type RefundAttemptOutcome = 'succeeded' | 'not-needed' | 'parked' | 'retry' | 'deferred';

export interface RefundAttemptOptions {
  now: Date;
  /** Retry delay after the n-th failed gateway call (n = 1, 2, …). */
  retryDelayMs(attempts: number): number;
  /** How long to wait for a charge in flight, or one whose outcome the reconciler has yet to settle. */
  deferMs: number;
  /** A charge unanswered for longer than this is looked up at the gateway (the reconciler's threshold). */
  unsettledAfterMs: number;
}

/**
 * One attempt at a refund intent: gives the money back when the gateway took it, closes the intent
 * when the charge never went through, and otherwise leaves it for later. The gateway's refusal for
 * good (a disputed charge, an unknown charge) parks it as `failed`, for an operator.
 */
export async function attemptRefund(
  deps: PaymentsDeps,
  intent: RefundRow,
  options: RefundAttemptOptions,
): Promise<RefundAttemptOutcome> {
  const payment = (await findPayment(deps.db, intent.paymentId))!;
  const charged = await chargedIntent(deps, payment, options);
  if (charged === 'unknown') return defer(deps, intent, options);
  if (charged === undefined) {
    await updatePendingRefund(deps.db, intent.id, { status: RefundStatus.NotNeeded, lastError: null });
    deps.logger.info(
      { refundId: intent.id, paymentId: payment.id },
      'refund not needed: the charge never went through',
    );
    return 'not-needed';
  }
  if (charged === 'refunded') {
    await updatePendingRefund(deps.db, intent.id, { status: RefundStatus.Succeeded, refundId: payment.refundId });
    return 'succeeded';
  }

  const about = { refundIntentId: intent.id, paymentId: payment.id, orderId: payment.orderId, stripeId: charged };
  let refundId: string | null;
  try {
    refundId = (
      await deps.gateway.refund({
        paymentIntentId: charged,
        idempotencyKey: refundIdempotencyKey(payment.id, intent.operatorRetries),
      })
    ).id;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = intent.attempts + 1;
    if (error instanceof GatewayRejectedError && error.code === 'charge_already_refunded') {
      refundId = null; // refunded by other means (the dashboard): recorded as refunded all the same
    } else if (error instanceof GatewayRejectedError || error instanceof GatewayIdempotencyError) {
      await updatePendingRefund(deps.db, intent.id, { status: RefundStatus.Failed, attempts, lastError: message });
      deps.logger.error({ ...about, err: error }, 'refund refused by the gateway; parked as refund_failed');
      return 'parked';
    } else {
      const retryInMs = options.retryDelayMs(attempts);
      await updatePendingRefund(deps.db, intent.id, {
        attempts,
        lastError: message,
        nextAttemptAt: new Date(options.now.getTime() + retryInMs),
      });
      deps.logger.warn({ ...about, attempts, retryInMs, err: error }, 'refund failed; retrying later');
      return 'retry';
    }
  }
  await deps.relay.transaction(async (tx) => {
    const refunded = await transitionPayment(tx, payment.id, REFUNDABLE, {
      status: PaymentStatus.Refunded,
      stripeId: charged,
      refundId,
    });
    await updatePendingRefund(tx, intent.id, {
      status: RefundStatus.Succeeded,
      attempts: intent.attempts + 1,
      refundId,
      lastError: null,
    });
    if (refunded) deps.metrics.refunded.inc();
    // The buyer has the money back: a seller's payout for this payment must not stand.
    await takeBackPayoutOfRefundedPayment(tx, payment, intent.reason);
  });
  deps.logger.warn({ ...about, refundId, reason: intent.reason }, 'payment refunded');
  return 'succeeded';
}

/**
 * The PaymentIntent that took the payment's money (its id), `refunded` when that money is back
 * already, undefined when no money was taken, `unknown` when that cannot be said yet.
 */
async function chargedIntent(
  deps: PaymentsDeps,
  payment: PaymentRow,
  { now, unsettledAfterMs }: RefundAttemptOptions,
): Promise<string | 'refunded' | 'unknown' | undefined> {
  if (payment.status === PaymentStatus.Refunded) return 'refunded';
  if (payment.status === PaymentStatus.Succeeded) return payment.stripeId!;
  const unsettled = payment.status === PaymentStatus.Pending || payment.status === PaymentStatus.Errored;
  const recent = payment.updatedAt.getTime() > now.getTime() - unsettledAfterMs;
  // A charge in flight is settled by its own request (which sees the cancellation and keeps this
  // intent open); give it the time the reconciler gives it.
  if (payment.status === PaymentStatus.Pending && recent) return 'unknown';
  let state: PaymentIntentState | undefined;
  try {
    state = await deps.gateway.retrieve({ paymentIntentId: payment.stripeId ?? undefined, paymentId: payment.id });
  } catch {
    return 'unknown';
  }
  if (state?.status === 'succeeded') return state.id;
  if (state?.status === 'processing') return 'unknown';
  // Not found can be the gateway's search lagging behind a charge that just happened.
  if (!state && unsettled && recent) return 'unknown';
  return undefined;
}

async function defer(deps: PaymentsDeps, intent: RefundRow, { now, deferMs }: RefundAttemptOptions) {
  await updatePendingRefund(deps.db, intent.id, { nextAttemptAt: new Date(now.getTime() + deferMs) });
  return 'deferred' as const;
}
