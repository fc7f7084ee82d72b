import {
  type CurrencyCode,
  currencyOfEvent,
  type Database,
  RetryLaterError,
  type TicketCreatedData,
  type TicketStatus,
  type TicketUpdatedData,
} from '@ticketing/common';
import type { TicketRow } from '../db/schema';
import { findTicket, insertTicket, overwriteTicket, updateTicketToVersion } from '../db/tickets.repository';

/**
 * The replica row of a ticket event. Its price must be in this service's currency: one priced in
 * another (the services disagree on PAYMENT_CURRENCY) throws CurrencyMismatchError, so the event
 * is retried rather than a price stored in the wrong currency.
 */
function toRow(
  { id, version, title, price, currency, userId, status, eventId }: TicketCreatedData,
  ours: CurrencyCode,
): TicketRow {
  currencyOfEvent(currency, ours);
  // Absent before status was carried: a new listing was on sale and an update never withdrawn.
  return {
    id,
    version,
    title,
    priceCents: price,
    userId,
    withdrawn: status !== undefined && NOT_ON_SALE.has(status),
    eventId: eventId ?? null,
  };
}

/**
 * The states in which nobody may reserve a ticket besides an order's hold: its seller unlisted it
 * (`withdrawn`), or it is a resale listing whose pass passes has not locked (`pending`) or would
 * not lock (`rejected`). A resale listing's ticket.created already says `pending`.
 */
const NOT_ON_SALE: ReadonlySet<TicketStatus> = new Set(['withdrawn', 'pending', 'rejected']);

/** How a ticket event was delivered: when the stream stored it, and whether it is a resync. */
export interface ReplicaDelivery {
  storedAt: Date;
  resync?: boolean;
  /** A gap that has lasted this long is skipped: the event carries the whole ticket. */
  gapHealMs: number;
  now?: Date;
}

export type ReplicaOutcome = 'applied' | 'duplicate' | 'gap-skipped' | 'resynced';

/** ticket.created: store the replica; a resync overwrites it. */
export async function recordTicketCreated(
  db: Database,
  data: TicketCreatedData,
  currency: CurrencyCode,
  { resync }: Pick<ReplicaDelivery, 'resync'> = {},
): Promise<ReplicaOutcome> {
  const row = toRow(data, currency);
  if (resync) {
    await overwriteTicket(db, row);
    return 'resynced';
  }
  return (await insertTicket(db, row)) ? 'applied' : 'duplicate';
}

/**
 * ticket.updated: applied on top of its predecessor (`version = local + 1`); a duplicate
 * (`version <= local`) changes nothing. One that came early (a predecessor, or the ticket itself,
 * has not arrived) throws {@link RetryLaterError} so the listener retries it — until the gap has
 * lasted `gapHealMs`: ticket.updated carries the whole ticket, so it is then applied as it is and
 * the skipped versions are logged (a predecessor lost with a restored database never comes). A
 * resync event is applied whatever the replica holds.
 */
export async function applyTicketUpdated(
  db: Database,
  data: TicketUpdatedData,
  currency: CurrencyCode,
  { storedAt, resync, gapHealMs, now = new Date() }: ReplicaDelivery,
): Promise<ReplicaOutcome> {
  const row = toRow(data, currency);
  if (resync) {
    await overwriteTicket(db, row);
    return 'resynced';
  }
  if (await updateTicketToVersion(db, row)) return 'applied';
  const local = await findTicket(db, data.id);
  if (local && data.version <= local.version) return 'duplicate';
  if (now.getTime() - storedAt.getTime() >= gapHealMs) {
    await overwriteTicket(db, row);
    return 'gap-skipped';
  }
  if (!local) throw new RetryLaterError(`ticket ${data.id} is not known yet`);
  throw new RetryLaterError(`ticket ${data.id} is at version ${local.version}, waiting before ${data.version}`);
}
