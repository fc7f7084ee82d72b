import { Listener, type MessageContext, type OrderCompletedData, OrderStatus, Subjects } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PaymentsDeps } from '../../domain/deps';
import { applyOrderStatus } from '../../domain/order-replica';
import { recordPayoutOfSale } from '../../domain/payouts';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/**
 * order.completed: the order is paid (a later payment attempt answers "already paid"), and its
 * seller is owed a payout: recorded, held, in the same transaction, so the ack never loses it.
 */
export class OrderCompletedListener extends Listener<typeof Subjects.OrderCompleted> {
  readonly subject = Subjects.OrderCompleted;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(
    data: OrderCompletedData,
    { event, storedAt }: MessageContext<typeof Subjects.OrderCompleted>,
  ): Promise<void> {
    const gap = { storedAt, healMs: this.payments.gapHealMs ?? DEFAULT_GAP_HEAL_MS };
    const { applied, payout } = await this.payments.db.transaction(async (tx) => ({
      applied: await applyOrderStatus(tx, data, OrderStatus.Complete, gap),
      // Also on a duplicate: a payout is recorded once per order.
      payout: await recordPayoutOfSale(tx, this.payments, {
        orderId: data.id,
        ticketId: data.ticket.id,
        soldAt: new Date(event.occurredAt),
      }),
    }));
    if (payout === 'no-seller') {
      this.logger.warn({ orderId: data.id }, 'order completed without a known seller: no payout recorded');
    }
    this.logger.debug(
      { orderId: data.id, version: data.version, applied, payout },
      applied ? 'order completed' : 'duplicate',
    );
  }
}
