import { type EventData, Listener, type MessageContext, Subjects } from '@ticketing/common';
import { releaseTicket } from '../../domain/reservations';
import type { TicketStore } from '../../domain/ticket-store';
import { logOutcome, SERVICE, type TicketListenerDeps } from './listener-deps';

/** order.cancelled: frees the ticket when the cancelled order held it. */
export class OrderCancelledListener extends Listener<typeof Subjects.OrderCancelled> {
  readonly subject = Subjects.OrderCancelled;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(
    data: EventData<typeof Subjects.OrderCancelled>,
    { event }: MessageContext<typeof Subjects.OrderCancelled>,
  ): Promise<void> {
    const about = { eventId: event.eventId, ticketId: data.ticket.id, orderId: data.id };
    const result = await releaseTicket(this.store, {
      ...about,
      consumer: this.durableName,
      correlationId: event.correlationId,
    });
    logOutcome(this.logger, result, about);
  }
}
