import { type CurrencyCode, fromMinorUnits, type TicketJson, type TicketStatus } from '@ticketing/common';
import type { TicketRow } from '../db/schema';

/**
 * A ticket as the API shows it (`TicketJson`, the schema in common's tickets API): price in
 * decimal units of `currency` (PAYMENT_CURRENCY), status derived from the order columns.
 */
export type Ticket = TicketJson;

export function ticketStatus(row: Pick<TicketRow, 'orderId' | 'soldAt'>): TicketStatus {
  if (row.soldAt !== null) return 'sold';
  return row.orderId === null ? 'available' : 'reserved';
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
    currency,
  };
}
