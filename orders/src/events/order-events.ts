import { type CreateEventOptions, createEvent, type Event, Subjects } from '@ticketing/common';
import type { OrderRow, TicketRow } from '../db/schema';

type Options = Pick<CreateEventOptions, 'correlationId'>;

export function orderCreatedEvent(order: OrderRow, ticket: TicketRow, options: Options = {}): Event {
  return createEvent(
    Subjects.OrderCreated,
    {
      id: order.id,
      version: order.version,
      status: order.status,
      userId: order.userId,
      expiresAt: order.expiresAt.toISOString(),
      ticket: { id: ticket.id, price: ticket.priceCents },
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
