import type { Listener, Subject } from '@ticketing/common';
import type { TicketListenerDeps } from './listeners/listener-deps';
import { OrderCancelledListener } from './listeners/order-cancelled.listener';
import { OrderCompletedListener } from './listeners/order-completed.listener';
import { OrderCreatedListener } from './listeners/order-created.listener';
import { PassAdmittedListener } from './listeners/pass-admitted.listener';
import { PassIssuedListener } from './listeners/pass-issued.listener';
import { PassListedListener } from './listeners/pass-listed.listener';
import { PassLockRefusedListener } from './listeners/pass-lock-refused.listener';
import { PassRevokedListener } from './listeners/pass-revoked.listener';
import { PassUnlistedListener } from './listeners/pass-unlisted.listener';

/** Every consumer of the tickets service. */
export function createTicketListeners(deps: TicketListenerDeps): Listener<Subject>[] {
  return [
    new OrderCreatedListener(deps),
    new OrderCancelledListener(deps),
    new OrderCompletedListener(deps),
    new PassIssuedListener(deps),
    new PassListedListener(deps),
    new PassUnlistedListener(deps),
    new PassRevokedListener(deps),
    new PassAdmittedListener(deps),
    new PassLockRefusedListener(deps),
  ];
}
