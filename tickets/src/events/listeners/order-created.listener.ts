import { type EventData, Listener, type MessageContext, Subjects } from '@ticketing/common';
import { reserveTicket } from '../../domain/reservations';
import type { TicketStore } from '../../domain/ticket-store';
import { logOutcome, SERVICE, type TicketListenerDeps } from './listener-deps';

/** order.created: reserves the ticket for the order. */
export class OrderCreatedListener extends Listener<typeof Subjects.OrderCreated> {
  readonly subject = Subjects.OrderCreated;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(
    data: EventData<typeof Subjects.OrderCreated>,
    { event }: MessageContext<typeof Subjects.OrderCreated>,
  ): Promise<void> {
    const about = { eventId: event.eventId, ticketId: data.ticket.id, orderId: data.id };
    const result = await reserveTicket(this.store, {
      ...about,
      reservationNumber: data.reservationNumber,
      consumer: this.durableName,
      correlationId: event.correlationId,
    });
    logOutcome(this.logger, result, about);
  }
}
