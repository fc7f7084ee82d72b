import {
  type Event,
  type Executor,
  eventValues,
  isUniqueViolation,
  type OrderStatus,
  preparedStatement,
  OrderStatus as Status,
  withEventSql,
} from '@ticketing/common';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import {
  type CancelReason,
  ONE_ACTIVE_ORDER_PER_TICKET,
  type OrderRow,
  orders,
  RESERVATION_NUMBER_PER_TICKET,
  type TicketRow,
  tickets,
} from './schema';
import { type TicketColumns, ticketOf } from './tickets.repository';

export interface OrderWithTicket extends OrderRow {
  ticket: TicketRow;
}

export type NewOrder = Pick<
  OrderRow,
  | 'id'
  | 'userId'
  | 'status'
  | 'expiresAt'
  | 'ticketId'
  | 'priceCents'
  | 'buyerFeeCents'
  | 'totalCents'
  | 'reservationNumber'
>;

/**
 * Inserts an order and its event into the outbox, in one statement; returns undefined when the
 * ticket already has an active order, or another order took `reservationNumber` meanwhile. The
 * partial unique index decides, so two buyers racing for one ticket cannot both get it.
 *
 * The number was read as one more than the ticket's highest ({@link findReservationState});
 * its unique index refuses an insert whose number another order committed since (that buyer
 * lost the race as well), so numbers follow the order in which a ticket's orders were committed.
 */
export async function insertOrderWithEvent(tx: Executor, order: NewOrder, event: Event): Promise<OrderRow | undefined> {
  try {
    const [row] = await insertOrderWithEventStatement.run(tx, [
      order.id,
      order.userId,
      order.status,
      order.expiresAt,
      order.ticketId,
      order.priceCents,
      order.buyerFeeCents,
      order.totalCents,
      order.reservationNumber,
      ...eventValues(event),
    ]);
    return (
      row && { ...order, cancelReason: null, paidAt: null, paymentId: null, version: 0, createdAt: row.created_at }
    );
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_ORDER_PER_TICKET)) return undefined;
    if (isUniqueViolation(error, RESERVATION_NUMBER_PER_TICKET)) return undefined;
    throw error;
  }
}

const insertOrderWithEventStatement = preparedStatement<{ created_at: Date }>(
  'orders_insert_order_with_event',
  withEventSql(
    `insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, buyer_fee_cents, total_cents, reservation_number, version)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) returning created_at`,
    10,
  ),
);

/** One more than the ticket's highest reservation number, as a value of the query that uses it. */
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

/** An order row as `pg` returns it (see {@link orderOf}). */
interface OrderColumns {
  id: string;
  user_id: string;
  status: OrderStatus;
  expires_at: Date;
  ticket_id: string;
  price_cents: number;
  buyer_fee_cents: number;
  total_cents: number;
  reservation_number: number;
  cancel_reason: CancelReason | null;
  paid_at: Date | null;
  payment_id: string | null;
  version: number;
  created_at: Date;
}

const ORDER_COLUMNS =
  'id, user_id, status, expires_at, ticket_id, price_cents, buyer_fee_cents, total_cents, reservation_number, cancel_reason, paid_at, payment_id, version, created_at';

const orderOf = (row: OrderColumns): OrderRow => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  expiresAt: row.expires_at,
  ticketId: row.ticket_id,
  priceCents: row.price_cents,
  buyerFeeCents: row.buyer_fee_cents,
  totalCents: row.total_cents,
  reservationNumber: row.reservation_number,
  cancelReason: row.cancel_reason,
  paidAt: row.paid_at,
  paymentId: row.payment_id,
  version: row.version,
  createdAt: row.created_at,
});

/** Reads an order and locks its row until the transaction ends, so its transitions are serialised. */
export async function lockOrder(tx: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await lockOrderStatement.run(tx, [id]);
  return row && orderOf(row);
}

const lockOrderStatement = preparedStatement<OrderColumns>(
  'orders_lock_order',
  `select ${ORDER_COLUMNS} from orders where id = $1 for update`,
);

/**
 * {@link lockOrder} and the record of the event that asks for the transition, in one statement:
 * `fresh` is false when this consumer already handled the event (a redelivery).
 */
export async function lockOrderForEvent(
  tx: Executor,
  id: string,
  { consumer, eventId }: { consumer: string; eventId: string },
): Promise<{ fresh: boolean; order: OrderRow | undefined }> {
  const [row] = await lockOrderForEventStatement.run(tx, [id, eventId, consumer]);
  return { fresh: row!.fresh, order: row!.id === null ? undefined : orderOf(row as OrderColumns) };
}

// The lock sits in a CTE, joined to a single row, so an unknown order still says whether the
// event was new (FOR UPDATE cannot lock the nullable side of an outer join itself).
const lockOrderForEventStatement = preparedStatement<Nullable<OrderColumns> & { fresh: boolean }>(
  'orders_lock_order_for_event',
  `with processed as (
     insert into processed_events (event_id, consumer) values ($2, $3) on conflict do nothing returning event_id
   ),
   locked as (select ${ORDER_COLUMNS} from orders where id = $1 for update)
   select exists (select from processed) as fresh, locked.* from (select) as one left join locked on true`,
);

type Nullable<T> = { [K in keyof T]: T[K] | null };

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
  await lockBuyerStatement.run(tx, [userId.toLowerCase()]);
}

const lockBuyerStatement = preparedStatement(
  'orders_lock_buyer_reservations',
  `select pg_advisory_xact_lock(${BUYER_RESERVATIONS_LOCK}, hashtext($1))`,
);

/** What a reservation needs to know, read in one round trip under {@link lockBuyerReservations}. */
export interface ReservationState {
  ticket: TicketRow;
  /** The reservation number the new order takes: one more than the ticket's highest. */
  nextReservationNumber: number;
  /** The buyer's reservations that hold a ticket at `now`: created or awaiting payment, not past their expiry. */
  active: number;
  /**
   * When the latest reservation of `ticketId` that the buyer let expire within the last
   * `cooldownSeconds` expired: one still `created` past its expiry, or one cancelled because it
   * expired (never one the buyer cancelled). Undefined when there is none, or the cool-down is off.
   */
  lastExpiredAt: Date | undefined;
  /** Whether the ticket has a reservation still `created` past its expiry (to cancel first). */
  overdue: boolean;
}

/**
 * The ticket, the buyer's reservations and the ticket's overdue one, in one statement; undefined
 * when the ticket is unknown. Call it under {@link lockBuyerReservations}: the statement's
 * snapshot is taken after the lock, so it counts every reservation the buyer committed before.
 */
export async function findReservationState(
  tx: Executor,
  { userId, ticketId, now, cooldownSeconds }: { userId: string; ticketId: string; now: Date; cooldownSeconds: number },
): Promise<ReservationState | undefined> {
  const [row] = await reservationStateStatement.run(tx, [
    ticketId,
    userId,
    now,
    new Date(now.getTime() - cooldownSeconds * 1000),
    cooldownSeconds,
  ]);
  if (!row) return undefined;
  return {
    ticket: ticketOf(row),
    nextReservationNumber: row.next_reservation_number,
    active: row.active,
    lastExpiredAt: row.last_expired_at ?? undefined,
    overdue: row.overdue,
  };
}

const reservationStateStatement = preparedStatement<
  TicketColumns & { next_reservation_number: number; active: number; last_expired_at: Date | null; overdue: boolean }
>(
  'orders_reservation_state',
  `select t.id, t.title, t.price_cents, t.user_id, t.version, t.withdrawn, t.event_id,
     (select coalesce(max(o.reservation_number), 0) + 1 from orders o where o.ticket_id = t.id) as next_reservation_number,
     (select count(*)::int from orders o
       where o.user_id = $2 and o.status in ('${Status.Created}', '${Status.AwaitingPayment}') and o.expires_at >= $3) as active,
     (select max(o.expires_at) from orders o
       where $5::int > 0 and o.user_id = $2 and o.ticket_id = t.id and o.expires_at < $3 and o.expires_at > $4
         and (o.status = '${Status.Created}' or (o.status = '${Status.Cancelled}' and o.cancel_reason = 'expired'))) as last_expired_at,
     exists (select from orders o
       where o.ticket_id = t.id and o.status = '${Status.Created}' and o.expires_at < $3) as overdue
   from tickets t where t.id = $1`,
);

/** The payment that completes an order, recorded with it. */
export interface OrderPayment {
  paymentId: string;
  paidAt: Date;
}

/**
 * Moves a locked order to `status` (with why, when it is cancelled; with its payment, when it is
 * paid), bumps its version and writes the event `eventOf` makes of the new version, in one statement.
 */
export async function setOrderStatus(
  tx: Executor,
  order: OrderRow,
  status: OrderStatus,
  cancelReason: CancelReason | undefined,
  eventOf: (next: OrderRow) => Event,
  payment?: OrderPayment,
): Promise<OrderRow> {
  const next = {
    ...order,
    status,
    cancelReason: cancelReason ?? order.cancelReason,
    paidAt: payment?.paidAt ?? order.paidAt,
    paymentId: payment?.paymentId ?? order.paymentId,
    version: order.version + 1,
  };
  const [row] = await setOrderStatusStatement.run(tx, [
    order.id,
    order.version,
    status,
    cancelReason ?? null,
    payment?.paidAt ?? null,
    payment?.paymentId ?? null,
    ...eventValues(eventOf(next)),
  ]);
  // Callers hold the row lock (lockOrder), so the version cannot have moved in between.
  if (!row) throw new Error(`order ${order.id} changed while it was locked`);
  return next;
}

const setOrderStatusStatement = preparedStatement(
  'orders_set_order_status',
  withEventSql(
    `update orders set status = $3, cancel_reason = coalesce($4, cancel_reason),
       paid_at = coalesce($5::timestamptz, paid_at), payment_id = coalesce($6::uuid, payment_id), version = $2 + 1
     where id = $1 and version = $2 returning id`,
    7,
  ),
);

/** Orders with their tickets in id order after `afterId` (keyset pages for a resync). */
export async function ordersAfter(
  db: Executor,
  afterId: string | undefined,
  limit: number,
): Promise<OrderWithTicket[]> {
  const rows = await db
    .select({ order: orders, ticket: tickets })
    .from(orders)
    .innerJoin(tickets, eq(orders.ticketId, tickets.id))
    .where(afterId ? gt(orders.id, afterId) : undefined)
    .orderBy(asc(orders.id))
    .limit(limit);
  return rows.map((row) => ({ ...row.order, ticket: row.ticket }));
}
