import { ACTIVE_ORDER_STATUSES, type Executor, OrderStatus, preparedStatement } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { type TicketRow, tickets } from './schema';

export async function findTicket(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/** A replica row as `pg` returns it (see {@link ticketOf}). */
export interface TicketColumns {
  id: string;
  title: string;
  price_cents: number;
  user_id: string;
  version: number;
  withdrawn: boolean;
  event_id: string | null;
}

export const ticketOf = (row: TicketColumns): TicketRow => ({
  id: row.id,
  title: row.title,
  priceCents: row.price_cents,
  userId: row.user_id,
  version: row.version,
  withdrawn: row.withdrawn,
  eventId: row.event_id,
});

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
  const [row] = await ticketForReservationStatement.run(db, [id, now]);
  return row && { ticket: ticketOf(row), held: row.held };
}

const ticketForReservationStatement = preparedStatement<TicketColumns & { held: boolean }>(
  'orders_ticket_for_reservation',
  `select t.id, t.title, t.price_cents, t.user_id, t.version, t.withdrawn, t.event_id,
     exists (select from orders o
       where o.ticket_id = t.id and o.status in (${ACTIVE_ORDER_STATUSES.map((status) => `'${status}'`).join(', ')})
         and (o.status <> '${OrderStatus.Created}' or o.expires_at >= $2)) as held
   from tickets t where t.id = $1`,
);

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
  const [row] = await updateTicketToVersionStatement.run(db, [
    ticket.id,
    ticket.version,
    ticket.title,
    ticket.priceCents,
    ticket.userId,
    ticket.withdrawn,
    ticket.eventId,
  ]);
  return row && ticketOf(row);
}

const updateTicketToVersionStatement = preparedStatement<TicketColumns>(
  'orders_update_ticket_to_version',
  `update tickets set title = $3, price_cents = $4, user_id = $5, withdrawn = $6, event_id = $7, version = $2
   where id = $1 and version = $2 - 1
   returning id, title, price_cents, user_id, version, withdrawn, event_id`,
);

/** Writes the ticket's full state whatever version the replica holds (a resync, or a healed gap). */
export async function overwriteTicket(db: Executor, ticket: TicketRow): Promise<void> {
  const { id, ...values } = ticket;
  await db.insert(tickets).values(ticket).onConflictDoUpdate({ target: tickets.id, set: values });
}
