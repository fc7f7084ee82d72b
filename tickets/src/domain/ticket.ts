import {
  BadRequestError,
  type CurrencyCode,
  currencySpec,
  fromMinorUnits,
  minimumPriceMessage,
  type TicketJson,
  type TicketStatus,
  toMinorUnits,
} from '@ticketing/common';
import type { TicketRow } from '../db/schema';
import type { TicketDetails } from '../db/tickets.repository';

/**
 * A ticket as the API shows it (`TicketJson`, the schema in common's tickets API): price in
 * decimal units of `currency` (PAYMENT_CURRENCY), status derived from the order and withdrawal
 * columns.
 */
export type Ticket = TicketJson;

/**
 * Sold is final; an order's hold comes next (a reservation that raced its seller's unlisting
 * holds the ticket all the same); then a resale listing's lock (`pending` until passes locks its
 * pass, `rejected` when it refused); then the seller's unlisting.
 */
export function ticketStatus(row: Pick<TicketRow, 'orderId' | 'soldAt' | 'withdrawnAt' | 'resaleLock'>): TicketStatus {
  if (row.soldAt !== null) return 'sold';
  if (row.orderId !== null) return 'reserved';
  if (row.resaleLock === 'pending' || row.resaleLock === 'rejected') return row.resaleLock;
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
    eventId: row.eventId,
    faceValue: row.faceValueCents === null ? null : fromMinorUnits(row.faceValueCents, currency),
    seat: seatOf(row),
    resaleOfPassId: row.resaleOfPassId,
    rejectionReason: row.rejectionReason,
  };
}

/** The seat of a listing as the API and the events show it; null when the seller gave none. */
export function seatOf(row: Pick<TicketRow, 'seatSection' | 'seatRow' | 'seatNumber'>): Seat | null {
  if (row.seatSection === null || row.seatRow === null || row.seatNumber === null) return null;
  return { section: row.seatSection, row: row.seatRow, seat: row.seatNumber };
}

export interface Seat {
  section: string;
  row: string;
  seat: string;
}

/** A listing's optional fields as the API takes them: absent stays absent, null clears. */
export interface ListingDetailsInput {
  eventId?: string | null;
  faceValue?: number | null;
  seat?: Seat | null;
}

/** The columns `input` sets (only those it names). */
export function listingDetailsOf(
  { eventId, faceValue, seat }: ListingDetailsInput,
  currency: CurrencyCode,
): Partial<TicketDetails> {
  return {
    ...(eventId !== undefined ? { eventId } : {}),
    ...(faceValue !== undefined
      ? { faceValueCents: faceValue === null ? null : toMinorUnits(faceValue, currency) }
      : {}),
    ...(seat !== undefined
      ? { seatSection: seat?.section ?? null, seatRow: seat?.row ?? null, seatNumber: seat?.seat ?? null }
      : {}),
  };
}

/** Stripe refuses charges below its minimum for the currency: such a listing could never be bought. */
export function assertChargeable(priceCents: number, currency: CurrencyCode): void {
  if (priceCents < currencySpec(currency).minimumCharge) {
    throw new BadRequestError(minimumPriceMessage(currency), { code: 'PRICE_BELOW_MINIMUM', field: 'price' });
  }
}
