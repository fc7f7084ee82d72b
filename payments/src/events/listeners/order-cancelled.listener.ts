import { Listener, type OrderCancelledData, OrderStatus, RetryLaterError, Subjects } from '@ticketing/common';
import type { PaymentsDeps } from '../../domain/deps';
import { applyOrderStatus } from '../../domain/order-replica';
import { refundPaymentsOfCancelledOrder } from '../../domain/refunds';
import { GatewayUnavailableError } from '../../gateway/payment-gateway';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/** Waiting for a gateway outage (or an open circuit) to pass before refunding again. */
const REFUND_RETRY_DELAY_MS = 5_000;

/** order.cancelled: applied in version order; a payment the order still holds is refunded. */
export class OrderCancelledListener extends Listener<typeof Subjects.OrderCancelled> {
  readonly subject = Subjects.OrderCancelled;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(data: OrderCancelledData): Promise<void> {
    const applied = await applyOrderStatus(this.payments.db, data, OrderStatus.Cancelled);
    this.logger.debug({ orderId: data.id, version: data.version, applied }, applied ? 'order cancelled' : 'duplicate');
    try {
      // Also on a duplicate: a refund that failed on the first delivery is retried (same key).
      await refundPaymentsOfCancelledOrder(this.payments, data.id);
    } catch (error) {
      if (error instanceof GatewayUnavailableError) {
        throw new RetryLaterError(`refund waits for the payment gateway: ${error.message}`, REFUND_RETRY_DELAY_MS);
      }
      throw error;
    }
  }
}
