import type { TicketRow } from '../db/schema';
import { fromCents } from './money';

export type TicketStatus = 'available' | 'reserved' | 'sold';

/** A ticket as the API shows it: price in currency units, status derived from the order columns. */
export interface Ticket {
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  orderId: string | null;
  status: TicketStatus;
}

export function ticketStatus(row: Pick<TicketRow, 'orderId' | 'soldAt'>): TicketStatus {
  if (row.soldAt !== null) return 'sold';
  return row.orderId === null ? 'available' : 'reserved';
}

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    title: row.title,
    price: fromCents(row.priceCents),
    userId: row.userId,
    version: row.version,
    orderId: row.orderId,
    status: ticketStatus(row),
  };
}
