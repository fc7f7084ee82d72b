import { Listener, type MessageContext, type OrderCancelledData, OrderStatus, Subjects } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PaymentsDeps } from '../../domain/deps';
import { applyOrderStatus } from '../../domain/order-replica';
import { recordRefundsOfCancelledOrder } from '../../domain/refunds';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/**
 * order.cancelled: applied in version order. In the same transaction, every payment of the order
 * that took money or may still take it (a charge in flight) gets a refund intent, so the ack never
 * leaves money behind; the refund worker gives it back.
 */
export class OrderCancelledListener extends Listener<typeof Subjects.OrderCancelled> {
  readonly subject = Subjects.OrderCancelled;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(
    data: OrderCancelledData,
    { storedAt }: MessageContext<typeof Subjects.OrderCancelled>,
  ): Promise<void> {
    const gap = { storedAt, healMs: this.payments.gapHealMs ?? DEFAULT_GAP_HEAL_MS };
    const { applied, refunds } = await this.payments.db.transaction(async (tx) => ({
      applied: await applyOrderStatus(tx, data, OrderStatus.Cancelled, gap),
      // Also on a duplicate: intents are recorded once per payment.
      refunds: await recordRefundsOfCancelledOrder(tx, data.id),
    }));
    this.logger.debug(
      { orderId: data.id, version: data.version, applied, refunds },
      applied ? 'order cancelled' : 'duplicate',
    );
    if (refunds > 0) this.payments.wakeRefunds();
  }
}
