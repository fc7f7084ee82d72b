import { type CurrencyCode, fromMinorUnits, type TicketJson, type TicketStatus } from '@ticketing/common';
import type { TicketRow } from '../db/schema';

/**
 * A ticket as the API shows it (`TicketJson`, the schema in common's tickets API): price in
 * decimal units of `currency` (PAYMENT_CURRENCY), status derived from the order and withdrawal
 * columns.
 */
export type Ticket = TicketJson;

/**
 * Sold is final; an order's hold comes next (a reservation that raced its seller's unlisting
 * holds the ticket all the same); then the seller's unlisting.
 */
export function ticketStatus(row: Pick<TicketRow, 'orderId' | 'soldAt' | 'withdrawnAt'>): TicketStatus {
  if (row.soldAt !== null) return 'sold';
  if (row.orderId !== null) return 'reserved';
  return row.withdrawnAt === null ? 'available' : 'withdrawn';
}

export function toTicket(row: TicketRow, currency: CurrencyCode): TicketJson {
  return {
    id: row.id,
    title: row.title,
    price: fromMinorUnits(row.priceCents, currency),
    userId: row.userId,
    version: row.version,
    orderId: row.orderId,
    status: ticketStatus(row),
    soldAt: row.soldAt?.toISOString() ?? null,
    currency,
  };
}
