import { type Executor, enqueueEvent, isUniqueViolation, OrderStatus } from '@ticketing/common';
import { lockOrder } from '../db/orders.repository';
import { findPayment, transitionPayment } from '../db/payments.repository';
import { recordRefundIntent } from '../db/refunds.repository';
import { ONE_ACTIVE_PAYMENT_PER_ORDER, type PaymentRow, PaymentStatus } from '../db/schema';
import { recordStripeEvent } from '../db/stripe-events.repository';
import { paymentCreatedEvent } from '../events/payment-events';
import type { PaymentsDeps } from './deps';

export interface CompletePaymentInput {
  payment: Pick<PaymentRow, 'id' | 'orderId'>;
  /** The PaymentIntent that succeeded. */
  stripeId: string;
  /** The states this caller may complete from: the direct confirmation only from `pending`. */
  from: readonly PaymentStatus[];
  correlationId?: string;
  /** The webhook event that reports it: recorded in the same transaction, a redelivery is a no-op. */
  stripeEvent?: { id: string; type: string };
}

export type CompletePaymentOutcome =
  /** Now succeeded; payment.created is in the outbox. */
  | { outcome: 'completed'; payment: PaymentRow }
  /** Another path (webhook or direct confirmation) got there first: nothing was done. */
  | { outcome: 'already-settled'; payment: PaymentRow | undefined }
  /** Succeeded, but the order was cancelled meanwhile: no payment.created; a refund intent is recorded. */
  | { outcome: 'order-cancelled'; payment: PaymentRow }
  /** The order already has another succeeded payment: this charge must be refunded ({@link recordSecondCharge}). */
  | { outcome: 'second-charge' }
  | { outcome: 'duplicate-event' };

/**
 * Records a successful charge. The conditional transition (`WHERE status IN from`) under the
 * order's row lock is what lets the direct confirmation and a webhook race: exactly one of them
 * completes the payment and writes payment.created.
 */
export async function completePayment(
  deps: PaymentsDeps,
  { payment, stripeId, from, correlationId, stripeEvent }: CompletePaymentInput,
): Promise<CompletePaymentOutcome> {
  try {
    const result = await deps.relay.transaction(async (tx): Promise<CompletePaymentOutcome> => {
      if (stripeEvent && !(await recordStripeEvent(tx, stripeEvent))) return { outcome: 'duplicate-event' };
      // Serialises with order.cancelled: either the cancellation sees this payment succeeded
      // (and refunds it), or this sees the order cancelled (and the caller refunds).
      const order = await lockOrder(tx, payment.orderId);
      const completed = await transitionPayment(tx, payment.id, from, {
        status: PaymentStatus.Succeeded,
        stripeId,
        failureMessage: null,
      });
      if (!completed) return { outcome: 'already-settled', payment: await findPayment(tx, payment.id) };
      if (order?.status === OrderStatus.Cancelled) {
        // The money goes back: decided here, in the transaction that found it, and done by the refund worker.
        await recordRefundIntent(tx, {
          paymentId: completed.id,
          orderId: completed.orderId,
          reason: 'order cancelled while it was being paid',
        });
        return { outcome: 'order-cancelled', payment: completed };
      }
      await enqueueEvent(tx, paymentCreatedEvent({ ...completed, stripeId }, { correlationId }));
      return { outcome: 'completed', payment: completed };
    });
    if (result.outcome === 'completed' || result.outcome === 'order-cancelled') deps.metrics.succeeded.inc();
    if (result.outcome === 'order-cancelled') deps.wakeRefunds();
    return result;
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_PAYMENT_PER_ORDER)) return { outcome: 'second-charge' };
    throw error;
  }
}

/**
 * A charge that went through for an order another payment had already paid: records its
 * PaymentIntent on the payment and a refund intent, together (with `record`'s writes, e.g. the
 * webhook event that reported it), and wakes the refund worker.
 */
export async function recordSecondCharge(
  deps: PaymentsDeps,
  payment: Pick<PaymentRow, 'id' | 'orderId'>,
  stripeId: string,
  record?: (tx: Executor) => Promise<unknown>,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await transitionPayment(tx, payment.id, [PaymentStatus.Pending, PaymentStatus.Errored, PaymentStatus.Failed], {
      stripeId,
    });
    await recordRefundIntent(tx, {
      paymentId: payment.id,
      orderId: payment.orderId,
      reason: 'second charge of a paid order',
    });
    await record?.(tx);
  });
  deps.wakeRefunds();
}
