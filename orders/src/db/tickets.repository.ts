import { ACTIVE_ORDER_STATUSES, type Executor, OrderStatus, updateVersioned } from '@ticketing/common';
import { and, eq, exists, gte, inArray, ne, or, sql } from 'drizzle-orm';
import { orders, type TicketRow, tickets } from './schema';

export async function findTicket(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/**
 * The ticket, and whether an order already holds it at `now`: an active order that is not a
 * `created` reservation past its expiry (an overdue one is cancelled by the next reservation).
 * One read, no lock: what the partial unique index would refuse anyway, answered early.
 */
export async function findTicketForReservation(
  db: Executor,
  id: string,
  now: Date,
): Promise<{ ticket: TicketRow; held: boolean } | undefined> {
  const holding = db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.ticketId, tickets.id),
        inArray(orders.status, [...ACTIVE_ORDER_STATUSES]),
        or(ne(orders.status, OrderStatus.Created), gte(orders.expiresAt, now)),
      ),
    );
  const [row] = await db
    .select({ ticket: tickets, held: sql<boolean>`${exists(holding)}` })
    .from(tickets)
    .where(eq(tickets.id, id))
    .limit(1);
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

/** Writes the ticket's full state whatever version the replica holds (a resync, or a healed gap). */
export async function overwriteTicket(db: Executor, ticket: TicketRow): Promise<void> {
  const { id, ...values } = ticket;
  await db.insert(tickets).values(ticket).onConflictDoUpdate({ target: tickets.id, set: values });
}
