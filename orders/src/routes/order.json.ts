import type { OrderStatus } from '@ticketing/common';
import type { OrderWithTicket } from '../db/orders.repository';
import { effectiveStatus } from '../domain/order-lifecycle';

/** An order as the API shows it. Prices are decimal currency units here; events carry cents. */
export interface OrderJson {
  id: string;
  userId: string;
  status: OrderStatus;
  expiresAt: string;
  version: number;
  ticket: { id: string; title: string; price: number };
}

export function toOrderJson(order: OrderWithTicket, now: Date = new Date()): OrderJson {
  return {
    id: order.id,
    userId: order.userId,
    status: effectiveStatus(order, now),
    expiresAt: order.expiresAt.toISOString(),
    version: order.version,
    ticket: { id: order.ticket.id, title: order.ticket.title, price: order.ticket.priceCents / 100 },
  };
}
