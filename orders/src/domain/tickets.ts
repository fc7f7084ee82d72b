import {
  type CurrencyCode,
  currencyOfEvent,
  type Database,
  RetryLaterError,
  type TicketCreatedData,
  type TicketUpdatedData,
} from '@ticketing/common';
import type { TicketRow } from '../db/schema';
import { findTicket, insertTicket, updateTicketToVersion } from '../db/tickets.repository';

/**
 * The replica row of a ticket event. Its price must be in this service's currency: one priced in
 * another (the services disagree on PAYMENT_CURRENCY) throws CurrencyMismatchError, so the event
 * is retried rather than a price stored in the wrong currency.
 */
function toRow({ id, version, title, price, currency, userId }: TicketCreatedData, ours: CurrencyCode): TicketRow {
  currencyOfEvent(currency, ours);
  return { id, version, title, priceCents: price, userId };
}

/** ticket.created: store the replica. Returns false for a duplicate (already stored). */
export function recordTicketCreated(db: Database, data: TicketCreatedData, currency: CurrencyCode): Promise<boolean> {
  return insertTicket(db, toRow(data, currency));
}

/**
 * ticket.updated: applied only on top of its predecessor (`version = local + 1`). Returns false
 * for a duplicate (`version <= local`); throws {@link RetryLaterError} when it came early
 * (a predecessor, or the ticket itself, has not arrived yet) so the listener retries it.
 */
export async function applyTicketUpdated(
  db: Database,
  data: TicketUpdatedData,
  currency: CurrencyCode,
): Promise<boolean> {
  if (await updateTicketToVersion(db, toRow(data, currency))) return true;
  const local = await findTicket(db, data.id);
  if (!local) throw new RetryLaterError(`ticket ${data.id} is not known yet`);
  if (data.version <= local.version) return false;
  throw new RetryLaterError(`ticket ${data.id} is at version ${local.version}, waiting before ${data.version}`);
}
