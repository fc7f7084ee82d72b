import { type EventData, Listener, type MessageContext, Subjects } from '@ticketing/common';
import { sellTicket } from '../../domain/reservations';
import type { TicketStore } from '../../domain/ticket-store';
import { logOutcome, SERVICE, type TicketListenerDeps } from './listener-deps';

/** order.completed: marks the ticket sold to the order. */
export class OrderCompletedListener extends Listener<typeof Subjects.OrderCompleted> {
  readonly subject = Subjects.OrderCompleted;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(
    data: EventData<typeof Subjects.OrderCompleted>,
    { event }: MessageContext<typeof Subjects.OrderCompleted>,
  ): Promise<void> {
    const about = { eventId: event.eventId, ticketId: data.ticket.id, orderId: data.id };
    const result = await sellTicket(this.store, {
      ...about,
      consumer: this.durableName,
      correlationId: event.correlationId,
    });
    logOutcome(this.logger, result, about);
  }
}
