import { type CurrencyCode, fromMinorUnits, type OrderJson } from '@ticketing/common';
import type { OrderWithTicket } from '../db/orders.repository';
import { effectiveStatus } from '../domain/order-lifecycle';

/**
 * An order as the API shows it (`OrderJson`, the schema in common's orders API). The amounts are
 * those stored on the order at reservation: `price` (the ticket's price, which `ticket.price`
 * repeats — the replica's current price may have changed since), `buyerFee` and `total`, what
 * the buyer pays.
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
    buyerFee: fromMinorUnits(order.buyerFeeCents, currency),
    total: fromMinorUnits(order.totalCents, currency),
    currency,
    ticket: { id: order.ticket.id, title: order.ticket.title, price },
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    paymentId: order.paymentId,
  };
}
