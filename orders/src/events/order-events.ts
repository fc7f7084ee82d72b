import { type CreateEventOptions, type CurrencyCode, createEvent, type Event, Subjects } from '@ticketing/common';
import type { OrderRow, TicketRow } from '../db/schema';

type Options = Pick<CreateEventOptions, 'correlationId' | 'resync'>;

/**
 * order.created with the amounts stored on the order (minor units of `currency`), so payments
 * charges the total the buyer was shown, and with the ticket's seller and event, so payments
 * knows whom to pay out, and when.
 */
export function orderCreatedEvent(
  order: Pick<
    OrderRow,
    | 'id'
    | 'version'
    | 'status'
    | 'userId'
    | 'expiresAt'
    | 'reservationNumber'
    | 'ticketId'
    | 'priceCents'
    | 'buyerFeeCents'
    | 'totalCents'
  > & { ticket: Pick<TicketRow, 'userId' | 'eventId'> },
  currency: CurrencyCode,
  options: Options = {},
): Event {
  return createEvent(
    Subjects.OrderCreated,
    {
      id: order.id,
      version: order.version,
      status: order.status,
      userId: order.userId,
      expiresAt: order.expiresAt.toISOString(),
      reservationNumber: order.reservationNumber,
      buyerFee: order.buyerFeeCents,
      total: order.totalCents,
      ticket: {
        id: order.ticketId,
        price: order.priceCents,
        currency,
        sellerId: order.ticket.userId,
        eventId: order.ticket.eventId,
      },
    },
    options,
  );
}

export function orderCancelledEvent(order: OrderRow, options: Options = {}): Event {
  return createEvent(
    Subjects.OrderCancelled,
    { id: order.id, version: order.version, ticket: { id: order.ticketId } },
    options,
  );
}

export function orderCompletedEvent(order: OrderRow, options: Options = {}): Event {
  return createEvent(
    Subjects.OrderCompleted,
    { id: order.id, version: order.version, ticket: { id: order.ticketId } },
    options,
  );
}
