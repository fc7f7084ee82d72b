import {
  type Event,
  type Executor,
  eventValues,
  type PassLockRefusalReason,
  preparedStatement,
  withEventSql,
} from '@ticketing/common';
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { ListPosition } from '../domain/cursor';
import { type ResaleLock, type TicketRow, tickets } from './schema';

/** What a listing says about its ticket besides title and price; each null when not given. */
export interface TicketDetails {
  eventId: string | null;
  faceValueCents: number | null;
  seatSection: string | null;
  seatRow: string | null;
  seatNumber: string | null;
}

export interface NewTicket extends Partial<TicketDetails> {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  /** A resale listing: the pass it resells, and `pending` until passes locks it. */
  resaleOfPassId?: string;
  resaleLock?: ResaleLock;
}

export async function insertTicket(tx: Executor, ticket: NewTicket): Promise<TicketRow> {
  const [row] = await tx.insert(tickets).values(ticket).returning();
  return row!;
}

export async function findTicketById(db: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  return row;
}

/** Reads the ticket and locks it until the transaction ends. */
export async function lockTicket(tx: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).limit(1).for('update');
  return row;
}

/** The unsold resale listing of `passId` whose pass passes locked, locked until the transaction ends. */
export async function lockLockedListingOfPass(tx: Executor, passId: string): Promise<TicketRow | undefined> {
  const [row] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.resaleOfPassId, passId), eq(tickets.resaleLock, 'locked'), isNull(tickets.soldAt)))
    .limit(1)
    .for('update');
  return row;
}

/** An order event about a ticket, as a consumer records it. */
export interface TicketEventRecord {
  ticketId: string;
  consumer: string;
  eventId: string;
  /** order.cancelled: the order to remember as cancelled. */
  cancelledOrderId?: string;
}

/**
 * In one statement: records the event as processed by its consumer (`fresh` is false on a
 * redelivery), remembers a cancelled order, and reads and locks the ticket until the transaction
 * ends. Undefined when the ticket is unknown (the event is recorded all the same: an unknown
 * ticket stays unknown, tickets owns them).
 */
export async function lockTicketForEvent(
  tx: Executor,
  { ticketId, consumer, eventId, cancelledOrderId }: TicketEventRecord,
): Promise<{ fresh: boolean; ticket: TicketRow } | undefined> {
  const [row] = cancelledOrderId
    ? await lockTicketForCancellationStatement.run(tx, [ticketId, eventId, consumer, cancelledOrderId])
    : await lockTicketForEventStatement.run(tx, [ticketId, eventId, consumer]);
  return row && { fresh: row.fresh, ticket: ticketOf(row) };
}

/** A ticket row as `pg` returns it (see {@link ticketOf}). */
export interface TicketColumns {
  id: string;
  title: string;
  price_cents: number;
  user_id: string;
  version: number;
  order_id: string | null;
  latest_reservation: number;
  sold_at: Date | null;
  withdrawn_at: Date | null;
  event_id: string | null;
  face_value_cents: number | null;
  seat_section: string | null;
  seat_row: string | null;
  seat_number: string | null;
  resale_of_pass_id: string | null;
  resale_lock: ResaleLock | null;
  rejection_reason: PassLockRefusalReason | null;
  created_at: Date;
  updated_at: Date;
}

export const TICKET_COLUMNS =
  'id, title, price_cents, user_id, version, order_id, latest_reservation, sold_at, withdrawn_at, event_id, face_value_cents, seat_section, seat_row, seat_number, resale_of_pass_id, resale_lock, rejection_reason, created_at, updated_at';

export const ticketOf = (row: TicketColumns): TicketRow => ({
  id: row.id,
  title: row.title,
  priceCents: row.price_cents,
  userId: row.user_id,
  version: row.version,
  orderId: row.order_id,
  latestReservation: row.latest_reservation,
  soldAt: row.sold_at,
  withdrawnAt: row.withdrawn_at,
  eventId: row.event_id,
  faceValueCents: row.face_value_cents,
  seatSection: row.seat_section,
  seatRow: row.seat_row,
  seatNumber: row.seat_number,
  resaleOfPassId: row.resale_of_pass_id,
  resaleLock: row.resale_lock,
  rejectionReason: row.rejection_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const lockTicketSql = (cancelled: string) => `
  with processed as (
    insert into processed_events (event_id, consumer) values ($2, $3) on conflict do nothing returning event_id
  )${cancelled}
  select exists (select from processed) as fresh, ${TICKET_COLUMNS}
  from tickets where id = $1 for update`;

const lockTicketForEventStatement = preparedStatement<TicketColumns & { fresh: boolean }>(
  'tickets_lock_ticket_for_event',
  lockTicketSql(''),
);

const lockTicketForCancellationStatement = preparedStatement<TicketColumns & { fresh: boolean }>(
  'tickets_lock_ticket_for_cancellation',
  lockTicketSql(`,
  cancelled as (
    insert into cancelled_orders (order_id, ticket_id) values ($4, $1) on conflict do nothing
  )`),
);

export type TicketChange = Partial<
  Pick<
    TicketRow,
    | 'title'
    | 'priceCents'
    | 'orderId'
    | 'soldAt'
    | 'withdrawnAt'
    | 'latestReservation'
    | 'resaleLock'
    | 'rejectionReason'
  > &
    TicketDetails
>;

/** A condition a ticket's next version is written under, besides its version. */
export interface SaveCondition {
  /** Write nothing when this order is known to be cancelled (read by the write itself). */
  unlessOrderCancelled?: string;
}

/**
 * Applies `change` to `current` as its next version and writes the event `eventOf` makes of that
 * version, in one statement. Undefined (and no event) when the ticket is no longer at
 * `current.version` (someone changed it since it was read) or `condition` does not hold.
 */
export async function saveTicketVersion(
  tx: Executor,
  current: TicketRow,
  change: TicketChange,
  eventOf: (next: TicketRow) => Event,
  { unlessOrderCancelled }: SaveCondition = {},
): Promise<TicketRow | undefined> {
  const next = { ...current, ...change, version: current.version + 1 };
  const [row] = await saveTicketVersionStatement.run(tx, [
    current.id,
    current.version,
    next.title,
    next.priceCents,
    next.orderId,
    next.latestReservation,
    next.soldAt,
    next.withdrawnAt,
    unlessOrderCancelled ?? null,
    next.eventId,
    next.faceValueCents,
    next.seatSection,
    next.seatRow,
    next.seatNumber,
    next.resaleLock,
    next.rejectionReason,
    ...eventValues(eventOf(next)),
  ]);
  return row && { ...next, updatedAt: row.updated_at };
}

// Every column a change may touch is written from the next version: the version check (and the
// row lock the listeners hold) makes that the same as writing only what changed.
const saveTicketVersionStatement = preparedStatement<{ updated_at: Date }>(
  'tickets_save_ticket_version',
  withEventSql(
    `update tickets
     set title = $3, price_cents = $4, order_id = $5, latest_reservation = $6, sold_at = $7,
         withdrawn_at = $8, event_id = $10, face_value_cents = $11, seat_section = $12, seat_row = $13,
         seat_number = $14, resale_lock = $15, rejection_reason = $16, version = $2 + 1, updated_at = now()
     where id = $1 and version = $2
       and ($9::uuid is null or not exists (select from cancelled_orders where order_id = $9))
     returning updated_at`,
    17,
  ),
);

/**
 * The part of the partial indexes' predicates that keeps resale listings out of the public views
 * until passes has locked their pass (`pending`), and for good when it refused (`rejected`).
 */
export const ON_SALE_RESALE = "(resale_lock is null or resale_lock = 'locked')";

export interface TicketQuery {
  /** Only this seller's tickets, in every state; otherwise only available tickets of everyone. */
  userId?: string;
  /** Everyone's listing with the reserved tickets too (never withdrawn or sold ones). */
  includeReserved?: boolean;
  /** Case-insensitive substring of the title. */
  search?: string;
  /** Start after this position (keyset pagination). */
  after?: ListPosition;
  limit: number;
}

/**
 * Newest first, ties broken by id, so a cursor position is exact. Each combination of filters is
 * a prepared statement of its own (a listing page is the most frequent request): the public
 * listing reads the partial index of available tickets (with reserved ones: of unsold ones), a
 * seller's the index by seller.
 */
export async function queryTickets(
  db: Executor,
  { userId, includeReserved, search, after, limit }: TicketQuery,
): Promise<TicketRow[]> {
  const values: unknown[] = [limit];
  const conditions: string[] = [];
  // Each condition is the predicate of its partial index, word for word, so the planner uses it.
  if (userId) {
    values.push(userId);
    conditions.push(`user_id = $${values.length}`);
  } else if (includeReserved) {
    conditions.push(`sold_at is null and withdrawn_at is null and ${ON_SALE_RESALE}`);
  } else {
    conditions.push(`order_id is null and sold_at is null and withdrawn_at is null and ${ON_SALE_RESALE}`);
  }
  if (search) {
    values.push(`%${escapeLike(search)}%`);
    conditions.push(`title ilike $${values.length}`);
  }
  if (after) {
    values.push(after.createdAt, after.id);
    conditions.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  const key = `${userId ? 'seller' : includeReserved ? 'unsold' : 'available'}${search ? '_search' : ''}${after ? '_after' : ''}`;
  let statement = listingStatements.get(key);
  if (!statement) {
    statement = preparedStatement<TicketColumns>(
      `tickets_list_${key}`,
      `select ${TICKET_COLUMNS} from tickets where ${conditions.join(' and ')}
       order by created_at desc, id desc limit $1`,
    );
    listingStatements.set(key, statement);
  }
  return (await statement.run(db, values)).map(ticketOf);
}

const listingStatements = new Map<string, ReturnType<typeof preparedStatement<TicketColumns>>>();

/** `%`, `_` and the escape character itself match literally (backslash is LIKE's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
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
