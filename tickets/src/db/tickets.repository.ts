import { type Executor, updateVersioned } from '@ticketing/common';
import { and, asc, desc, eq, gt, ilike, isNull, type SQL, sql } from 'drizzle-orm';
import type { ListPosition } from '../domain/cursor';
import { cancelledOrders, type TicketRow, tickets } from './schema';

export interface NewTicket {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
}

export async function insertTicket(tx: Executor, ticket: NewTicket): Promise<TicketRow> {
  const [row] = await tx.insert(tickets).values(ticket).returning();
  return row!;
}

export async function findTicketById(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/** Reads the ticket and locks its row until the transaction ends, so listeners apply changes one at a time. */
export async function lockTicketById(tx: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).limit(1).for('update');
  return row;
}

export type TicketChange = Partial<
  Pick<TicketRow, 'title' | 'priceCents' | 'orderId' | 'soldAt' | 'latestReservation'>
>;

/**
 * Applies `change` as version `expectedVersion + 1`. Undefined when the ticket is no longer at
 * `expectedVersion` (someone changed it since it was read).
 */
export function saveTicketVersion(
  tx: Executor,
  id: string,
  expectedVersion: number,
  change: TicketChange,
): Promise<TicketRow | undefined> {
  return updateVersioned(tx, tickets, id, expectedVersion, { ...change, updatedAt: sql`now()` });
}

export interface TicketQuery {
  /** Only this seller's tickets, in every state; otherwise only available tickets of everyone. */
  userId?: string;
  /** Case-insensitive substring of the title. */
  search?: string;
  /** Start after this position (keyset pagination). */
  after?: ListPosition;
  limit: number;
}

/** Newest first, ties broken by id, so a cursor position is exact. */
export function queryTickets(db: Executor, { userId, search, after, limit }: TicketQuery): Promise<TicketRow[]> {
  const conditions: SQL[] = userId ? [eq(tickets.userId, userId)] : [isNull(tickets.orderId), isNull(tickets.soldAt)];
  if (search) conditions.push(ilike(tickets.title, `%${escapeLike(search)}%`));
  if (after) {
    conditions.push(
      sql`(${tickets.createdAt}, ${tickets.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return db
    .select()
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit);
}

/** `%`, `_` and the escape character itself match literally (backslash is LIKE's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Remembers that an order was cancelled; true the first time. */
export async function recordCancelledOrder(tx: Executor, orderId: string, ticketId: string): Promise<boolean> {
  const rows = await tx
    .insert(cancelledOrders)
    .values({ orderId, ticketId })
    .onConflictDoNothing()
    .returning({ orderId: cancelledOrders.orderId });
  return rows.length > 0;
}

export async function isOrderCancelled(tx: Executor, orderId: string): Promise<boolean> {
  const rows = await tx
    .select({ orderId: cancelledOrders.orderId })
    .from(cancelledOrders)
    .where(eq(cancelledOrders.orderId, orderId))
    .limit(1);
  return rows.length > 0;
}

/** Tickets in id order after `afterId` (keyset pages for a resync). */
export function ticketsAfter(db: Executor, afterId: string | undefined, limit: number): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(afterId ? gt(tickets.id, afterId) : undefined)
    .orderBy(asc(tickets.id))
    .limit(limit);
}
