import { OrderStatus } from '@ticketing/common';
import { findOrder } from '../db/orders.repository';
import { succeededPaymentsOfOrder, transitionPayment } from '../db/payments.repository';
import { type PaymentRow, PaymentStatus } from '../db/schema';
import { GatewayRejectedError } from '../gateway/payment-gateway';
import type { PaymentsDeps } from './deps';

/** One refund per payment, whoever asks and however often: the gateway returns the first refund again. */
export const refundIdempotencyKey = (paymentId: string): string => `refund-${paymentId}`;

/** Every state a charged payment can be recorded in before it is refunded. */
const REFUNDABLE: readonly PaymentStatus[] = [
  PaymentStatus.Succeeded,
  PaymentStatus.Pending,
  PaymentStatus.Errored,
  PaymentStatus.Failed,
];

/**
 * Refunds the charge `stripeId` of `payment` in full and records it (`refunded` + refund id).
 * Safe to repeat and to race: the idempotency key makes one refund, the transition records it once.
 */
export async function refundPayment(
  deps: PaymentsDeps,
  payment: Pick<PaymentRow, 'id' | 'orderId'>,
  stripeId: string,
  reason: string,
): Promise<PaymentRow | undefined> {
  let refundId: string | null;
  try {
    const refund = await deps.gateway.refund({
      paymentIntentId: stripeId,
      idempotencyKey: refundIdempotencyKey(payment.id),
    });
    refundId = refund.id;
  } catch (error) {
    // Refunded before by other means (the dashboard): record it as refunded all the same.
    if (!(error instanceof GatewayRejectedError && error.code === 'charge_already_refunded')) throw error;
    refundId = null;
  }
  const refunded = await transitionPayment(deps.db, payment.id, REFUNDABLE, {
    status: PaymentStatus.Refunded,
    stripeId,
    refundId,
  });
  if (refunded) {
    deps.metrics.refunded.inc();
    deps.logger.warn(
      { paymentId: payment.id, orderId: payment.orderId, stripeId, refundId, reason },
      'payment refunded',
    );
  }
  return refunded;
}

/**
 * A cancelled order keeps no money: refunds each succeeded payment of the order. Returns how many
 * were refunded (0 when the order is not cancelled).
 */
export async function refundPaymentsOfCancelledOrder(deps: PaymentsDeps, orderId: string): Promise<number> {
  const order = await findOrder(deps.db, orderId);
  if (order?.status !== OrderStatus.Cancelled) return 0;
  let refunded = 0;
  for (const payment of await succeededPaymentsOfOrder(deps.db, orderId)) {
    // A succeeded payment always has its PaymentIntent id.
    if (await refundPayment(deps, payment, payment.stripeId!, 'order cancelled')) refunded += 1;
  }
  return refunded;
}
