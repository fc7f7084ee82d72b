import {
  type Event,
  type Executor,
  eventValues,
  type PassRevocationReason,
  preparedStatement,
  withEventSql,
} from '@ticketing/common';
import { and, desc, eq, max, ne, sql } from 'drizzle-orm';
import { type PassRow, passes, refundedOrders } from './schema';

export async function findPass(db: Executor, id: string): Promise<PassRow | undefined> {
  const [row] = await db.select().from(passes).where(eq(passes.id, id)).limit(1);
  return row;
}

export async function findPassOfOrder(db: Executor, orderId: string): Promise<PassRow | undefined> {
  const [row] = await db.select().from(passes).where(eq(passes.orderId, orderId)).limit(1);
  return row;
}

/** The order's pass, locked until the transaction ends. */
export async function lockPassOfOrder(tx: Executor, orderId: string): Promise<PassRow | undefined> {
  const [row] = await tx.select().from(passes).where(eq(passes.orderId, orderId)).limit(1).for('update');
  return row;
}

/** Records that the sale of `orderId` was taken back; false when it was recorded before. */
export async function recordRefundedOrder(
  tx: Executor,
  refund: { orderId: string; paymentId: string; refundedAt: Date },
): Promise<boolean> {
  const inserted = await tx.insert(refundedOrders).values(refund).onConflictDoNothing().returning();
  return inserted.length > 0;
}

export async function isRefundedOrder(db: Executor, orderId: string): Promise<boolean> {
  const rows = await db
    .select({ orderId: refundedOrders.orderId })
    .from(refundedOrders)
    .where(eq(refundedOrders.orderId, orderId))
    .limit(1);
  return rows.length > 0;
}

/** The ticket's current pass (not revoked), locked until the transaction ends. */
export async function lockCurrentPassOfTicket(tx: Executor, ticketId: string): Promise<PassRow | undefined> {
  const [row] = await tx
    .select()
    .from(passes)
    .where(and(eq(passes.ticketId, ticketId), ne(passes.status, 'revoked')))
    .limit(1)
    .for('update');
  return row;
}

/** A pass, locked until the transaction ends (its lock, unlock, revocation and admission take turns). */
export async function lockPass(tx: Executor, id: string): Promise<PassRow | undefined> {
  const [row] = await tx.select().from(passes).where(eq(passes.id, id)).limit(1).for('update');
  return row;
}

/** Locks a pass for the resale listing `listingId`, as its next version. */
export async function listPass(tx: Executor, { id, listingId }: { id: string; listingId: string }): Promise<PassRow> {
  const [row] = await tx
    .update(passes)
    .set({ status: 'listed', listingId, version: sql`${passes.version} + 1` })
    .where(eq(passes.id, id))
    .returning();
  return row as PassRow;
}

/** Unlocks a listed pass (`valid` again), as its next version. */
export async function unlistPass(tx: Executor, id: string): Promise<PassRow> {
  const [row] = await tx
    .update(passes)
    .set({ status: 'valid', listingId: null, version: sql`${passes.version} + 1` })
    .where(and(eq(passes.id, id), eq(passes.status, 'listed')))
    .returning();
  return row as PassRow;
}

/** The highest generation the ticket's passes reached (0 when it has none). */
export async function lastGeneration(db: Executor, ticketId: string): Promise<number> {
  const [row] = await db
    .select({ last: max(passes.generation) })
    .from(passes)
    .where(eq(passes.ticketId, ticketId));
  return row?.last ?? 0;
}

export async function insertPass(tx: Executor, pass: PassRow): Promise<PassRow> {
  const [row] = await tx.insert(passes).values(pass).returning();
  return row as PassRow;
}

/** Revokes a pass that is not revoked yet, as its next version; undefined when it already was. */
export async function revokePass(
  tx: Executor,
  { id, replacedBy, reason, at }: { id: string; replacedBy: string | null; reason: PassRevocationReason; at: Date },
): Promise<PassRow | undefined> {
  const [row] = await tx
    .update(passes)
    .set({
      status: 'revoked',
      revokedAt: at,
      replacedBy,
      revocationReason: reason,
      listingId: null,
      version: sql`${passes.version} + 1`,
    })
    .where(and(eq(passes.id, id), ne(passes.status, 'revoked')))
    .returning();
  return row;
}

/**
 * Admits a valid pass: one conditional UPDATE, so of concurrent scans exactly one finds the row
 * still `valid` (PostgreSQL re-checks the condition after the first one's lock is released).
 */
/** A pass row as `pg` returns it, with its event's organizer (see {@link findPassForScan}). */
interface PassForScanColumns {
  id: string;
  ticket_id: string;
  order_id: string;
  event_id: string | null;
  holder_id: string;
  generation: number;
  status: PassRow['status'];
  face_value: number;
  currency: string | null;
  code: string;
  listing_id: string | null;
  version: number;
  issued_at: Date;
  admitted_at: Date | null;
  admitted_by: string | null;
  revoked_at: Date | null;
  replaced_by: string | null;
  revocation_reason: PassRow['revocationReason'];
  organizer_id: string | null;
}

const passForScanStatement = preparedStatement<PassForScanColumns>(
  'passes_find_for_scan',
  `select p.id, p.ticket_id, p.order_id, p.event_id, p.holder_id, p.generation, p.status, p.face_value,
          p.currency, p.code, p.listing_id, p.version, p.issued_at, p.admitted_at, p.admitted_by, p.revoked_at,
          p.replaced_by, p.revocation_reason, e.organizer_id
     from passes p left join events e on e.id = p.event_id
    where p.id = $1`,
);

/**
 * A pass with its event's organizer (null: no event, or one passes has not heard of yet), in one
 * read: a named prepared statement, since every scan at the door runs it.
 */
export async function findPassForScan(
  db: Executor,
  id: string,
): Promise<{ pass: PassRow; organizerId: string | null } | undefined> {
  const [row] = await passForScanStatement.run(db, [id]);
  if (!row) return undefined;
  return {
    pass: {
      id: row.id,
      ticketId: row.ticket_id,
      orderId: row.order_id,
      eventId: row.event_id,
      holderId: row.holder_id,
      generation: row.generation,
      status: row.status,
      faceValue: row.face_value,
      currency: row.currency,
      code: row.code,
      listingId: row.listing_id,
      version: row.version,
      issuedAt: row.issued_at,
      admittedAt: row.admitted_at,
      admittedBy: row.admitted_by,
      revokedAt: row.revoked_at,
      replacedBy: row.replaced_by,
      revocationReason: row.revocation_reason,
    },
    organizerId: row.organizer_id,
  };
}

const admitWithEventStatement = preparedStatement<{ id: string }>(
  'passes_admit_with_event',
  withEventSql(
    `update passes set status = 'admitted', admitted_at = $2, admitted_by = $3, version = version + 1
     where id = $1 and status = 'valid' and version = $4 returning id`,
    5,
  ),
);

/**
 * Admits the pass read at `version` if it is still `valid` at that version, with its
 * pass.admitted in the outbox, in one statement (one round trip, atomic on its own). False when
 * it was admitted, revoked or changed in between: of concurrent scans, exactly one gets true.
 */
export async function admitPassAtVersion(
  db: Executor,
  { id, version, admittedBy, at }: { id: string; version: number; admittedBy: string; at: Date },
  event: Event,
): Promise<boolean> {
  const rows = await admitWithEventStatement.run(db, [id, at, admittedBy, version, ...eventValues(event)]);
  return rows.length > 0;
}

export function passesOfHolder(db: Executor, holderId: string): Promise<PassRow[]> {
  return db
    .select()
    .from(passes)
    .where(eq(passes.holderId, holderId))
    .orderBy(desc(passes.issuedAt), desc(passes.generation));
}

/** The ids of an event's passes in `status` (`revoked` or `listed`: each has its partial index). */
export async function passIdsOfEventIn(
  db: Executor,
  eventId: string,
  status: Extract<PassRow['status'], 'revoked' | 'listed'>,
): Promise<string[]> {
  const rows = await db
    .select({ id: passes.id })
    .from(passes)
    .where(and(eq(passes.eventId, eventId), eq(passes.status, status)))
    .orderBy(passes.id);
  return rows.map((row) => row.id);
}
