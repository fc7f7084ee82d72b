import { transitionPayment } from '../db/payments.repository';
import { type PaymentRow, PaymentStatus } from '../db/schema';
import type { PaymentIntentState } from '../gateway/payment-gateway';
import { completePayment, recordSecondCharge } from './complete-payment';
import type { PaymentsDeps } from './deps';

export type ReconcileOutcome =
  /** The gateway had charged it: the payment is now succeeded and payment.created is in the outbox. */
  | 'completed'
  /** The gateway had charged it, but its order is cancelled or paid otherwise: a refund intent is open. */
  | 'refunding'
  /** The charge did not go through (declined, abandoned, or it never reached the gateway). */
  | 'failed'
  /** The gateway has not settled it yet; asked again on a later run. */
  | 'processing'
  /** Settled meanwhile by the buyer's retry or a webhook. */
  | 'already-settled'
  /** The gateway could not be asked; asked again on a later run. */
  | 'unreachable';

const UNSETTLED = [PaymentStatus.Pending, PaymentStatus.Errored] as const;

/**
 * Settles a payment whose outcome was never recorded (a time-out, a gateway error, a crash after
 * the gateway charged) with what the gateway knows of its PaymentIntent: a charge that went
 * through completes the order if it is still payable — the same use case as the buyer's own
 * confirmation and the webhook, so only one of them completes it — or is refunded.
 */
export async function reconcilePayment(deps: PaymentsDeps, payment: PaymentRow): Promise<ReconcileOutcome> {
  let state: PaymentIntentState | undefined;
  try {
    state = await deps.gateway.retrieve({ paymentIntentId: payment.stripeId ?? undefined, paymentId: payment.id });
  } catch (error) {
    deps.logger.warn({ paymentId: payment.id, err: error }, 'reconciler could not ask the gateway');
    return 'unreachable';
  }
  if (state?.status === 'succeeded') {
    const completion = await completePayment(deps, {
      payment,
      stripeId: state.id,
      from: UNSETTLED,
      correlationId: `reconcile-${payment.id}`,
    });
    switch (completion.outcome) {
      case 'completed':
        return 'completed';
      case 'order-cancelled':
        deps.wakeRefunds();
        return 'refunding';
      case 'second-charge':
        await recordSecondCharge(deps, payment, state.id);
        return 'refunding';
      default:
        return 'already-settled';
    }
  }
  if (state && !['requires_payment_method', 'requires_action', 'canceled'].includes(state.status)) return 'processing';
  const failed = await transitionPayment(deps.db, payment.id, UNSETTLED, {
    status: PaymentStatus.Failed,
    ...(state ? { stripeId: state.id } : {}),
    failureMessage: state ? (state.message ?? `payment intent ${state.status}`) : 'no charge reached the gateway',
  });
  return failed ? 'failed' : 'already-settled';
}
