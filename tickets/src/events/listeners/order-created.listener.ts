import {
  type BatchItem,
  type EventData,
  Listener,
  type MessageContext,
  OrderStatus,
  Subjects,
} from '@ticketing/common';
import {
  type ReservationOutcome,
  releaseTicket,
  reserveTicket,
  reserveTickets,
  sellTicket,
} from '../../domain/reservations';
import type { TicketStore } from '../../domain/ticket-store';
import { logOutcome, SERVICE, type TicketListenerDeps } from './listener-deps';

/**
 * order.created: reserves the ticket for the order. A resync event (orders republishing its
 * state) carries the order's current status: a cancelled order releases the ticket if it holds
 * it, a complete one sells it, an active one reserves it (when it is the newest reservation).
 * The reservations waiting together are applied in one transaction (applyBatch).
 */
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
    const input = { ...about, consumer: this.durableName, correlationId: event.correlationId };
    let result: ReservationOutcome;
    if (event.resync && data.status === OrderStatus.Cancelled) result = await releaseTicket(this.store, input);
    else if (event.resync && data.status === OrderStatus.Complete) result = await sellTicket(this.store, input);
    else result = await reserveTicket(this.store, { ...input, reservationNumber: data.reservationNumber });
    logOutcome(this.logger, result, about);
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.OrderCreated>[]): Promise<void> {
    const abouts = items.map(({ data, event }) => ({
      eventId: event.eventId,
      ticketId: data.ticket.id,
      orderId: data.id,
    }));
    const results = await reserveTickets(
      this.store,
      items.map(({ data, event }, i) => ({
        ...abouts[i]!,
        consumer: this.durableName,
        correlationId: event.correlationId,
        reservationNumber: data.reservationNumber,
      })),
    );
    for (const [i, result] of results.entries()) logOutcome(this.logger, result, abouts[i]!);
  }
}
