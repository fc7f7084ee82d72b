import type { Listener, ListenerDeps, Subject } from '@ticketing/common';
import type { OrdersDeps } from '../domain/deps';
import { ExpirationCompleteListener } from './listeners/expiration-complete.listener';
import { PaymentCreatedListener } from './listeners/payment-created.listener';
import { TicketCreatedListener } from './listeners/ticket-created.listener';
import { TicketUpdatedListener } from './listeners/ticket-updated.listener';

/** Every event the orders service consumes, one durable consumer each. */
export function createOrderListeners(deps: Omit<ListenerDeps, 'service'>, orders: OrdersDeps): Listener<Subject>[] {
  const listenerDeps = { ...deps, service: 'orders' };
  return [
    new TicketCreatedListener(listenerDeps, orders),
    new TicketUpdatedListener(listenerDeps, orders),
    new ExpirationCompleteListener(listenerDeps, orders),
    new PaymentCreatedListener(listenerDeps, orders),
  ];
}
