/**
 * Reselling a pass (secure swap): the price cap a resale listing must keep, the reasons a listing
 * can be refused, and when a pass may be put on sale. The tickets service enforces all of it; the
 * page checks the same rules first so a seller learns the cap before submitting.
 */
import { formatPrice, toMinorUnits } from './format';
import { parsePrice, validateTicketInput } from './ticket-input';
import type { Pass, Ticket } from './types';

/** The most a resale may ask, in percent of what the pass's holder paid, and what that allows. */
export interface ResaleCap {
  /** What the holder paid for the pass (the price of its order), in decimal units. */
  paid: number;
  currency: string;
  percent: number;
  /** The highest price accepted, in decimal units. */
  max: number;
}

function minorUnitDecimals(currency: string): number {
  return (
    new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/**
 * The cap as the tickets service computes it: floor(paid × percent / 100) in minor units, so
 * 120% of $50.00 is $60.00 and 120% of $0.99 is $1.18 (not $1.19).
 */
export function resaleCap(paid: number, currency: string, percent: number): ResaleCap {
  const maxMinor = Math.floor((toMinorUnits(paid, currency) * percent) / 100);
  return { paid, currency, percent, max: maxMinor / 10 ** minorUnitDecimals(currency) };
}

/** "At most $60.00 — 120% of the $50.00 you paid for the ticket" (the service fee is not part of it). */
export function capText(cap: ResaleCap): string {
  return `At most ${formatPrice(cap.max, cap.currency)} — ${cap.percent}% of the ${formatPrice(cap.paid, cap.currency)} you paid for the ticket`;
}

/** Why a resale price cannot be sent: the rules of any price first, then the cap; undefined when it can. */
export function validateResalePrice(price: string, cap: ResaleCap): string | undefined {
  const problem = validateTicketInput({ title: 'resale', price }).price;
  if (problem) return problem;
  const value = parsePrice(price);
  if (value === undefined) return 'Price must be a number, like 20 or 20.50';
  if (toMinorUnits(value, cap.currency) > toMinorUnits(cap.max, cap.currency)) {
    return `Price must be at most ${formatPrice(cap.max, cap.currency)} (${cap.percent}% of the ${formatPrice(cap.paid, cap.currency)} you paid for the ticket)`;
  }
  return undefined;
}

/** Why passes would not lock the pass of a resale listing, in the seller's words (`rejectionReason`). */
export const REJECTION_REASONS: Record<NonNullable<Ticket['rejectionReason']>, string> = {
  admitted: 'this pass was already used at the door',
  revoked: 'this pass was revoked (the ticket was resold, or its buyer refunded)',
  listed: 'this pass is already listed for resale',
  not_holder: 'you do not hold this pass',
};

/** The reason of a rejected listing in words; a generic one for a reason this app does not know yet. */
export function rejectionText(reason: Ticket['rejectionReason']): string {
  return (reason && REJECTION_REASONS[reason]) ?? 'its pass could not be locked';
}

/**
 * Whether the holder may put a pass on sale now: a valid pass (not listed, used or replaced) of an
 * event that has not started, or of no event. `eventStartsAt` is undefined for a pass of no event.
 */
export function canResell(pass: Pick<Pass, 'status'>, eventStartsAt: string | undefined, now = Date.now()): boolean {
  if (pass.status !== 'valid') return false;
  return eventStartsAt === undefined || Date.parse(eventStartsAt) > now;
}
