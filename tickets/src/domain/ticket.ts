import { type CurrencyCode, fromMinorUnits } from '@ticketing/common';
import type { TicketRow } from '../db/schema';

export type TicketStatus = 'available' | 'reserved' | 'sold';

/**
 * A ticket as the API shows it: price in decimal units of `currency` (PAYMENT_CURRENCY), status
 * derived from the order columns.
 */
export interface Ticket {
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  orderId: string | null;
  status: TicketStatus;
  currency: CurrencyCode;
}

export function ticketStatus(row: Pick<TicketRow, 'orderId' | 'soldAt'>): TicketStatus {
  if (row.soldAt !== null) return 'sold';
  return row.orderId === null ? 'available' : 'reserved';
}

export function toTicket(row: TicketRow, currency: CurrencyCode): Ticket {
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
