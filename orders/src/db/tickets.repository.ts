import { type Executor, updateVersioned } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { type TicketRow, tickets } from './schema';

export async function findTicket(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/** Inserts the replica of a new ticket; returns false when it is already there (a redelivered event). */
export async function insertTicket(db: Executor, ticket: TicketRow): Promise<boolean> {
  const inserted = await db.insert(tickets).values(ticket).onConflictDoNothing().returning({ id: tickets.id });
  return inserted.length > 0;
}

/**
 * Moves the replica to `ticket.version` when it holds exactly the version before it; returns
 * undefined otherwise (the ticket is unknown, the update is a duplicate, or it came too early).
 */
export async function updateTicketToVersion(db: Executor, ticket: TicketRow): Promise<TicketRow | undefined> {
  const { id, version, ...values } = ticket;
  return updateVersioned(db, tickets, id, version - 1, values);
}
