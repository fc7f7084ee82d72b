import type { Listener, Subject } from '@ticketing/common';
import { EventCreatedListener } from './listeners/event-created.listener';
import { EventUpdatedListener } from './listeners/event-updated.listener';
import type { PassListenerDeps } from './listeners/listener-deps';
import { OrderCompletedListener } from './listeners/order-completed.listener';
import { OrderCreatedListener } from './listeners/order-created.listener';
import { PaymentRefundedListener } from './listeners/payment-refunded.listener';
import { TicketCreatedListener } from './listeners/ticket-created.listener';
import { TicketUpdatedListener } from './listeners/ticket-updated.listener';

/** Every consumer of the passes service, one durable consumer each. */
export function createPassListeners(deps: PassListenerDeps): Listener<Subject>[] {
  return [
    new TicketCreatedListener(deps),
    new TicketUpdatedListener(deps),
    new EventCreatedListener(deps),
    new EventUpdatedListener(deps),
    new OrderCreatedListener(deps),
    new OrderCompletedListener(deps),
    new PaymentRefundedListener(deps),
  ];
}
