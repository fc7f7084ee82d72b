import type { Listener, Subject } from '@ticketing/common';
import type { TicketListenerDeps } from './listeners/listener-deps';
import { OrderCancelledListener } from './listeners/order-cancelled.listener';
import { OrderCompletedListener } from './listeners/order-completed.listener';
import { OrderCreatedListener } from './listeners/order-created.listener';

/** Every consumer of the tickets service. */
export function createTicketListeners(deps: TicketListenerDeps): Listener<Subject>[] {
  return [new OrderCreatedListener(deps), new OrderCancelledListener(deps), new OrderCompletedListener(deps)];
}
