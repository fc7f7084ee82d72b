import { type Database, RetryLaterError, type TicketCreatedData, type TicketUpdatedData } from '@ticketing/common';
import type { TicketRow } from '../db/schema';
import { findTicket, insertTicket, updateTicketToVersion } from '../db/tickets.repository';

const toRow = ({ id, version, title, price, userId }: TicketCreatedData): TicketRow => ({
  id,
  version,
  title,
  priceCents: price,
  userId,
});

/** ticket.created: store the replica. Returns false for a duplicate (already stored). */
export function recordTicketCreated(db: Database, data: TicketCreatedData): Promise<boolean> {
  return insertTicket(db, toRow(data));
}

/**
 * ticket.updated: applied only on top of its predecessor (`version = local + 1`). Returns false
 * for a duplicate (`version <= local`); throws {@link RetryLaterError} when it came early
 * (a predecessor, or the ticket itself, has not arrived yet) so the listener retries it.
 */
export async function applyTicketUpdated(db: Database, data: TicketUpdatedData): Promise<boolean> {
  if (await updateTicketToVersion(db, toRow(data))) return true;
  const local = await findTicket(db, data.id);
  if (!local) throw new RetryLaterError(`ticket ${data.id} is not known yet`);
  if (data.version <= local.version) return false;
  throw new RetryLaterError(`ticket ${data.id} is at version ${local.version}, waiting before ${data.version}`);
}
