import type { OrderStatus } from '@ticketing/common';
import type { OrderWithTicket } from '../db/orders.repository';
import { effectiveStatus } from '../domain/order-lifecycle';

/**
 * An order as the API shows it. Prices are decimal currency units here; events carry cents.
 * `price` is the price stored on the order at reservation — what the buyer pays — and
 * `ticket.price` repeats it: the ticket's current price in the replica may have changed since.
 */
export interface OrderJson {
  id: string;
  userId: string;
  status: OrderStatus;
  expiresAt: string;
  version: number;
  price: number;
  ticket: { id: string; title: string; price: number };
}

export function toOrderJson(order: OrderWithTicket, now: Date = new Date()): OrderJson {
  return {
    id: order.id,
    userId: order.userId,
    status: effectiveStatus(order, now),
    expiresAt: order.expiresAt.toISOString(),
    version: order.version,
    price: order.priceCents / 100,
    ticket: { id: order.ticket.id, title: order.ticket.title, price: order.priceCents / 100 },
  };
}
