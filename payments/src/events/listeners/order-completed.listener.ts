import { Listener, type MessageContext, type OrderCompletedData, OrderStatus, Subjects } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PaymentsDeps } from '../../domain/deps';
import { applyOrderStatus } from '../../domain/order-replica';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/** order.completed: the order is paid; a later payment attempt answers "already paid". */
export class OrderCompletedListener extends Listener<typeof Subjects.OrderCompleted> {
  readonly subject = Subjects.OrderCompleted;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(
    data: OrderCompletedData,
    { storedAt }: MessageContext<typeof Subjects.OrderCompleted>,
  ): Promise<void> {
    const gap = { storedAt, healMs: this.payments.gapHealMs ?? DEFAULT_GAP_HEAL_MS };
    const applied = await applyOrderStatus(this.payments.db, data, OrderStatus.Complete, gap);
    this.logger.debug({ orderId: data.id, version: data.version, applied }, applied ? 'order completed' : 'duplicate');
  }
}
