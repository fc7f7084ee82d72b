import { currencyOfEvent, Listener, type OrderCreatedData, Subjects } from '@ticketing/common';
import type { PaymentsDeps } from '../../domain/deps';
import { recordOrderCreated } from '../../domain/order-replica';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/**
 * order.created: stores the replica the payments are checked against. Its price is charged in
 * PAYMENT_CURRENCY, so an order priced in another currency is not stored but retried
 * (CurrencyMismatchError, logged as an error) until the services' configurations agree.
 */
export class OrderCreatedListener extends Listener<typeof Subjects.OrderCreated> {
  readonly subject = Subjects.OrderCreated;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(data: OrderCreatedData): Promise<void> {
    currencyOfEvent(data.ticket.currency, this.payments.currency);
    const stored = await recordOrderCreated(this.payments.db, data);
    this.logger.debug(
      { orderId: data.id, version: data.version, stored },
      stored ? 'order stored' : 'order already known',
    );
  }
}
