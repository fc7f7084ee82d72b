import {
  type BatchItem,
  currencyOfEvent,
  Listener,
  type MessageContext,
  type OrderCreatedData,
  OrderStatus,
  Subjects,
} from '@ticketing/common';
import type { PaymentsDeps } from '../../domain/deps';
import { recordOrderCreated, recordOrdersCreated, resyncOrder } from '../../domain/order-replica';
import { recordRefundsOfCancelledOrder } from '../../domain/refunds';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/**
 * order.created: stores the replica the payments are checked against. Its price is charged in
 * PAYMENT_CURRENCY, so an order priced in another currency is not stored but retried
 * (CurrencyMismatchError, logged as an error) until the services' configurations agree. The
 * events waiting together are stored by one statement (applyBatch); a group with an order in
 * another currency is stored none at all, and each of its orders then goes alone.
 */
export class OrderCreatedListener extends Listener<typeof Subjects.OrderCreated> {
  readonly subject = Subjects.OrderCreated;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(
    data: OrderCreatedData,
    { event }: MessageContext<typeof Subjects.OrderCreated>,
  ): Promise<void> {
    currencyOfEvent(data.ticket.currency, this.payments.currency);
    if (event.resync) {
      // orders republishes its state: the replica takes it, and a cancelled order keeps no money.
      const refunds = await this.payments.db.transaction(async (tx) => {
        await resyncOrder(tx, data);
        return data.status === OrderStatus.Cancelled ? recordRefundsOfCancelledOrder(tx, data.id) : 0;
      });
      this.logger.info({ orderId: data.id, version: data.version, status: data.status, refunds }, 'order resynced');
      if (refunds > 0) this.payments.wakeRefunds();
      return;
    }
    const stored = await recordOrderCreated(this.payments.db, data);
    this.logger.debug(
      { orderId: data.id, version: data.version, stored },
      stored ? 'order stored' : 'order already known',
    );
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.OrderCreated>[]): Promise<void> {
    for (const { data } of items) currencyOfEvent(data.ticket.currency, this.payments.currency);
    const stored = await recordOrdersCreated(
      this.payments.db,
      items.map((item) => item.data),
    );
    this.logger.debug({ orders: items.length, stored }, 'orders stored');
  }
}
