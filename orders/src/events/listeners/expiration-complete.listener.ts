import {
  type ExpirationCompleteData,
  Listener,
  type ListenerDeps,
  type MessageContext,
  Subjects,
} from '@ticketing/common';
import type { OrdersDeps } from '../../domain/deps';
import { expireOrder } from '../../domain/order-lifecycle';

export class ExpirationCompleteListener extends Listener<typeof Subjects.ExpirationComplete> {
  readonly subject = Subjects.ExpirationComplete;

  constructor(
    deps: ListenerDeps,
    private readonly orders: OrdersDeps,
  ) {
    // Four at a time: one at a time, this consumer fell hundreds of expirations behind beside
    // 50 reservations a second (expiry p50 1–2 s); each order's expiration is its own entity.
    super({ ...deps, options: { concurrency: 4, ...deps.options } });
  }

  protected async onMessage(
    { orderId }: ExpirationCompleteData,
    { event }: MessageContext<typeof Subjects.ExpirationComplete>,
  ): Promise<void> {
    const outcome = await expireOrder(this.orders, orderId, {
      correlationId: event.correlationId,
      processed: { consumer: this.durableName, eventId: event.eventId },
    });
    if (outcome === 'unknown-order') this.logger.warn({ orderId }, 'expiration for an unknown order ignored');
    else this.logger.debug({ orderId, outcome }, 'expiration handled');
  }
}
