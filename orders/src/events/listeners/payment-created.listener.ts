import { Listener, type ListenerDeps, type MessageContext, type PaymentCreatedData, Subjects } from '@ticketing/common';
import type { OrdersDeps } from '../../domain/deps';
import { completeOrder } from '../../domain/order-lifecycle';

export class PaymentCreatedListener extends Listener<typeof Subjects.PaymentCreated> {
  readonly subject = Subjects.PaymentCreated;

  constructor(
    deps: ListenerDeps,
    private readonly orders: OrdersDeps,
  ) {
    super(deps);
  }

  protected async onMessage(
    { id: paymentId, orderId }: PaymentCreatedData,
    { event }: MessageContext<typeof Subjects.PaymentCreated>,
  ): Promise<void> {
    const outcome = await completeOrder(this.orders, orderId, paymentId, {
      correlationId: event.correlationId,
      processed: { consumer: this.durableName, eventId: event.eventId },
    });
    switch (outcome) {
      case 'cancelled':
        // Acked on purpose: the order stays cancelled and the payments service refunds.
        this.logger.warn({ orderId, paymentId }, 'payment for a cancelled order; the order stays cancelled');
        break;
      case 'unknown-order':
        this.logger.warn({ orderId, paymentId }, 'payment for an unknown order ignored');
        break;
      default:
        this.logger.debug({ orderId, paymentId, outcome }, 'payment handled');
    }
  }
}
