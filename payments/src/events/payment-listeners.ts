import type { Listener, Subject } from '@ticketing/common';
import type { PaymentListenerDeps } from './listeners/listener-deps';
import { OrderCancelledListener } from './listeners/order-cancelled.listener';
import { OrderCompletedListener } from './listeners/order-completed.listener';
import { OrderCreatedListener } from './listeners/order-created.listener';

/** Every consumer of the payments service, one durable consumer each. */
export function createPaymentListeners(deps: PaymentListenerDeps): Listener<Subject>[] {
  return [new OrderCreatedListener(deps), new OrderCancelledListener(deps), new OrderCompletedListener(deps)];
}
