import { type CreateEventOptions, type CurrencyCode, createEvent, type Event, Subjects } from '@ticketing/common';
import type { OrderRow } from '../db/schema';

type Options = Pick<CreateEventOptions, 'correlationId' | 'resync'>;

/** order.created with the price stored on the order (minor units of `currency`), so payments charges what the buyer was shown. */
export function orderCreatedEvent(
  order: Pick<
    OrderRow,
    'id' | 'version' | 'status' | 'userId' | 'expiresAt' | 'reservationNumber' | 'ticketId' | 'priceCents'
  >,
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
      ticket: { id: order.ticketId, price: order.priceCents, currency },
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
