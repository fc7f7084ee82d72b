import { type CurrencyCode, fromMinorUnits, type OrderJson } from '@ticketing/common';
import type { OrderWithTicket } from '../db/orders.repository';
import { effectiveStatus } from '../domain/order-lifecycle';

/**
 * An order as the API shows it (`OrderJson`, the schema in common's orders API). `price` is the
 * price stored on the order at reservation — what the buyer pays — and `ticket.price` repeats it:
 * the ticket's current price in the replica may have changed since.
 */
export function toOrderJson(order: OrderWithTicket, currency: CurrencyCode, now: Date = new Date()): OrderJson {
  const price = fromMinorUnits(order.priceCents, currency);
  return {
    id: order.id,
    userId: order.userId,
    status: effectiveStatus(order, now),
    expiresAt: order.expiresAt.toISOString(),
    version: order.version,
    price,
    currency,
    ticket: { id: order.ticket.id, title: order.ticket.title, price },
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    paymentId: order.paymentId,
  };
}
