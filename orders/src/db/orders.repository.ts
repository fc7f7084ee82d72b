import {
  type Executor,
  isUniqueViolation,
  type OrderStatus,
  OrderStatus as Status,
  updateVersioned,
} from '@ticketing/common';
import { and, asc, desc, eq, gt, gte, inArray, lt, max, or, sql } from 'drizzle-orm';
import {
  type CancelReason,
  ONE_ACTIVE_ORDER_PER_TICKET,
  type OrderRow,
  orders,
  RESERVATION_NUMBER_PER_TICKET,
  type TicketRow,
  tickets,
} from './schema';

export interface OrderWithTicket extends OrderRow {
  ticket: TicketRow;
}

export type NewOrder = Pick<OrderRow, 'id' | 'userId' | 'status' | 'expiresAt' | 'ticketId' | 'priceCents'>;

/**
 * Inserts an order with the ticket's next reservation number; returns undefined when the ticket
 * already has an active order. The partial unique index decides, so two buyers racing for one
 * ticket cannot both get it.
 *
 * The number is one more than the ticket's highest, read in the insert itself; its unique index
 * refuses an insert whose number another order committed meanwhile (that buyer lost the race as
 * well), so numbers follow the order in which a ticket's orders were committed.
 */
export async function insertOrder(tx: Executor, order: NewOrder): Promise<OrderRow | undefined> {
  try {
    const [row] = await tx
      .insert(orders)
      .values({ ...order, version: 0, reservationNumber: nextReservationNumber(order.ticketId) })
      .returning();
    return row;
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_ORDER_PER_TICKET)) return undefined;
    if (isUniqueViolation(error, RESERVATION_NUMBER_PER_TICKET)) return undefined;
    throw error;
  }
}

/** One more than the ticket's highest reservation number, as a value of the insert that uses it. */
export const nextReservationNumber = (ticketId: string) =>
  sql<number>`(select coalesce(max(${orders.reservationNumber}), 0) + 1 from ${orders} where ${orders.ticketId} = ${ticketId})`;

export async function findOrderWithTicket(db: Executor, id: string): Promise<OrderWithTicket | undefined> {
  const [row] = await db
    .select({ order: orders, ticket: tickets })
    .from(orders)
    .innerJoin(tickets, eq(orders.ticketId, tickets.id))
    .where(eq(orders.id, id))
    .limit(1);
  return row && { ...row.order, ticket: row.ticket };
}

/** The user's orders with their tickets, newest first. */
export async function listOrdersWithTicket(db: Executor, userId: string): Promise<OrderWithTicket[]> {
  const rows = await db
    .select({ order: orders, ticket: tickets })
    .from(orders)
    .innerJoin(tickets, eq(orders.ticketId, tickets.id))
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt), desc(orders.id));
  return rows.map((row) => ({ ...row.order, ticket: row.ticket }));
}

/** Reads an order and locks its row until the transaction ends, so its transitions are serialised. */
export async function lockOrder(tx: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, id)).limit(1).for('update');
  return row;
}

/** Locks the ticket's reservations that are still `created` but past their expiry. */
export async function lockOverdueOrdersOfTicket(tx: Executor, ticketId: string, now: Date): Promise<OrderRow[]> {
  return tx
    .select()
    .from(orders)
    .where(and(eq(orders.ticketId, ticketId), eq(orders.status, Status.Created), lt(orders.expiresAt, now)))
    .for('update');
}

/** Ids of reservations still `created` past their expiry, oldest expiry first. */
export async function findOverdueOrderIds(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, Status.Created), lt(orders.expiresAt, now)))
    .orderBy(asc(orders.expiresAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * An arbitrary constant: the first half of the two-part advisory lock key of a buyer's
 * reservations. Two-part keys never collide with the one-part keys of the migrations and the
 * outbox relay.
 */
const BUYER_RESERVATIONS_LOCK = 7_215_311;

/**
 * Holds the buyer's reservation lock until the transaction ends, so one buyer's reservations
 * are made one after the other and each counts the ones committed before it. (A lock on the
 * buyer's rows would not do: a buyer with no reservation has none.) Two buyers whose ids hash
 * alike merely wait for each other.
 */
export async function lockBuyerReservations(tx: Executor, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BUYER_RESERVATIONS_LOCK}, hashtext(${userId.toLowerCase()}))`);
}

export interface BuyerReservations {
  /** The buyer's reservations that hold a ticket at `now`: created or awaiting payment, not past their expiry. */
  active: number;
  /**
   * When the latest reservation of `ticketId` that the buyer let expire within the last
   * `cooldownSeconds` expired: one still `created` past its expiry, or one cancelled because it
   * expired (never one the buyer cancelled). Undefined when there is none, or the cool-down is off.
   */
  lastExpiredAt: Date | undefined;
}

/** What the reservation limits need to know about a buyer, in one round trip (call it under {@link lockBuyerReservations}). */
export async function findBuyerReservations(
  tx: Executor,
  { userId, ticketId, now, cooldownSeconds }: { userId: string; ticketId: string; now: Date; cooldownSeconds: number },
): Promise<BuyerReservations> {
  const holding = tx
    .select({ count: sql<number>`count(*)::int` })
    .from(orders)
    .where(
      and(
        eq(orders.userId, userId),
        inArray(orders.status, [Status.Created, Status.AwaitingPayment]),
        gte(orders.expiresAt, now),
      ),
    );
  const expired =
    cooldownSeconds > 0
      ? tx
          .select({ expiresAt: max(orders.expiresAt) })
          .from(orders)
          .where(
            and(
              eq(orders.userId, userId),
              eq(orders.ticketId, ticketId),
              lt(orders.expiresAt, now),
              gt(orders.expiresAt, new Date(now.getTime() - cooldownSeconds * 1000)),
              or(
                eq(orders.status, Status.Created),
                and(eq(orders.status, Status.Cancelled), eq(orders.cancelReason, 'expired')),
              ),
            ),
          )
      : sql`null`;
  const result = await tx.execute(sql`select (${holding}) as active, (${expired}) as last_expired_at`);
  const [row] = (result as unknown as { rows: { active: number; last_expired_at: Date | string | null }[] }).rows;
  const lastExpiredAt = row?.last_expired_at;
  return {
    active: row?.active ?? 0,
    lastExpiredAt: lastExpiredAt === null || lastExpiredAt === undefined ? undefined : new Date(lastExpiredAt),
  };
}

/** Moves a locked order to `status` (with why, when it is cancelled) and bumps its version. */
export async function setOrderStatus(
  tx: Executor,
  order: OrderRow,
  status: OrderStatus,
  cancelReason?: CancelReason,
): Promise<OrderRow> {
  const changes = cancelReason === undefined ? { status } : { status, cancelReason };
  const updated = await updateVersioned(tx, orders, order.id, order.version, changes);
  // Callers hold the row lock (lockOrder), so the version cannot have moved in between.
  if (!updated) throw new Error(`order ${order.id} changed while it was locked`);
  return updated;
}

/** Orders in id order after `afterId` (keyset pages for a resync). */
export function ordersAfter(db: Executor, afterId: string | undefined, limit: number): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(afterId ? gt(orders.id, afterId) : undefined)
    .orderBy(asc(orders.id))
    .limit(limit);
}
