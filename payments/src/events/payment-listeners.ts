import type { Listener, Subject } from '@ticketing/common';
import { EventCreatedListener } from './listeners/event-created.listener';
import { EventUpdatedListener } from './listeners/event-updated.listener';
import type { PaymentListenerDeps } from './listeners/listener-deps';
import { OrderCancelledListener } from './listeners/order-cancelled.listener';
import { OrderCompletedListener } from './listeners/order-completed.listener';
import { OrderCreatedListener } from './listeners/order-created.listener';
import { PassAdmittedListener } from './listeners/pass-admitted.listener';

/** Every consumer of the payments service, one durable consumer each. */
export function createPaymentListeners(deps: PaymentListenerDeps): Listener<Subject>[] {
  return [
    new OrderCreatedListener(deps),
    new OrderCancelledListener(deps),
    new OrderCompletedListener(deps),
    new EventCreatedListener(deps),
    new EventUpdatedListener(deps),
    new PassAdmittedListener(deps),
  ];
}
