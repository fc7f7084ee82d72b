import { type Executor, preparedStatement, updateVersioned } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { type EventRow, events, type OrderRow, orders, type TicketRow, tickets } from './schema';

export async function findTicket(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/** Inserts a ticket's replica at its first version; false when it is already there. */
export async function insertTicket(db: Executor, ticket: TicketRow): Promise<boolean> {
  const inserted = await db.insert(tickets).values(ticket).onConflictDoNothing().returning({ id: tickets.id });
  return inserted.length > 0;
}

/** Moves the replica to `ticket.version` when it holds the version before it. */
export function updateTicketToVersion(db: Executor, ticket: TicketRow): Promise<TicketRow | undefined> {
  const { id, version, ...values } = ticket;
  return updateVersioned(db, tickets, id, version - 1, values);
}

/**
 * {@link updateTicketToVersion} for several tickets in one statement: each moves to its row's
 * version when it holds the version before it. Returns the rows applied, as `id@version`.
 */
export async function updateTicketsToVersion(db: Executor, rows: readonly TicketRow[]): Promise<Set<string>> {
  const column = <K extends keyof TicketRow>(key: K) => rows.map((row) => row[key]);
  const applied = await updateTicketsToVersionStatement.run(db, [
    column('id'),
    column('version'),
    column('eventId'),
    column('userId'),
    column('resaleOfPassId'),
    column('status'),
  ]);
  return new Set(applied.map((row) => `${row.id}@${row.version}`));
}

const updateTicketsToVersionStatement = preparedStatement<{ id: string; version: number }>(
  'passes_update_tickets_to_version',
  `update tickets t
      set version = c.version, event_id = c.event_id, user_id = c.user_id,
          resale_of_pass_id = c.resale_of_pass_id, status = c.status
     from unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[])
          as c(id, version, event_id, user_id, resale_of_pass_id, status)
    where t.id = c.id and t.version = c.version - 1
    returning t.id, t.version`,
);

/** The replica takes the ticket as the event carries it, whatever version it held (a gap that healed). */
export async function overwriteTicket(db: Executor, ticket: TicketRow): Promise<void> {
  const { id, ...values } = ticket;
  await db.insert(tickets).values(ticket).onConflictDoUpdate({ target: tickets.id, set: values });
}

export async function findEvent(db: Executor, id: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row;
}

export async function insertEvent(db: Executor, event: EventRow): Promise<boolean> {
  const inserted = await db.insert(events).values(event).onConflictDoNothing().returning({ id: events.id });
  return inserted.length > 0;
}

export function updateEventToVersion(db: Executor, event: EventRow): Promise<EventRow | undefined> {
  const { id, version, ...values } = event;
  return updateVersioned(db, events, id, version - 1, values);
}

export async function overwriteEvent(db: Executor, event: EventRow): Promise<void> {
  const { id, ...values } = event;
  await db.insert(events).values(event).onConflictDoUpdate({ target: events.id, set: values });
}

export async function findOrder(db: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
  return row;
}

/** Reads an order and locks its row until the transaction ends: its completions take turns. */
export async function lockOrder(tx: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, id)).limit(1).for('update');
  return row;
}

/** Inserts the orders not stored yet, in one statement; returns how many were new. */
export async function insertOrders(db: Executor, rows: readonly OrderRow[]): Promise<number> {
  const inserted = await db
    .insert(orders)
    .values([...rows])
    .onConflictDoNothing()
    .returning({ id: orders.id });
  return inserted.length;
}

/** The replica takes the order as it is (a resync from orders). */
export async function overwriteOrder(db: Executor, order: OrderRow): Promise<void> {
  const { id, ...values } = order;
  await db.insert(orders).values(order).onConflictDoUpdate({ target: orders.id, set: values });
}

export async function setOrderStatus(
  db: Executor,
  { id, version, status }: Pick<OrderRow, 'id' | 'version' | 'status'>,
): Promise<void> {
  await db.update(orders).set({ status, version }).where(eq(orders.id, id));
}
