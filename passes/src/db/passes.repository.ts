import type { Executor } from '@ticketing/common';
import { and, desc, eq, max, ne, sql } from 'drizzle-orm';
import { type PassRow, passes } from './schema';

export async function findPass(db: Executor, id: string): Promise<PassRow | undefined> {
  const [row] = await db.select().from(passes).where(eq(passes.id, id)).limit(1);
  return row;
}

export async function findPassOfOrder(db: Executor, orderId: string): Promise<PassRow | undefined> {
  const [row] = await db.select().from(passes).where(eq(passes.orderId, orderId)).limit(1);
  return row;
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
  { id, replacedBy, at }: { id: string; replacedBy: string | null; at: Date },
): Promise<PassRow | undefined> {
  const [row] = await tx
    .update(passes)
    .set({ status: 'revoked', revokedAt: at, replacedBy, version: sql`${passes.version} + 1` })
    .where(and(eq(passes.id, id), ne(passes.status, 'revoked')))
    .returning();
  return row;
}

/**
 * Admits a valid pass: one conditional UPDATE, so of concurrent scans exactly one finds the row
 * still `valid` (PostgreSQL re-checks the condition after the first one's lock is released).
 */
export async function admitPass(
  tx: Executor,
  { id, admittedBy, at }: { id: string; admittedBy: string; at: Date },
): Promise<PassRow | undefined> {
  const [row] = await tx
    .update(passes)
    .set({ status: 'admitted', admittedAt: at, admittedBy, version: sql`${passes.version} + 1` })
    .where(and(eq(passes.id, id), eq(passes.status, 'valid')))
    .returning();
  return row;
}

export function passesOfHolder(db: Executor, holderId: string): Promise<PassRow[]> {
  return db
    .select()
    .from(passes)
    .where(eq(passes.holderId, holderId))
    .orderBy(desc(passes.issuedAt), desc(passes.generation));
}

export async function revokedPassIdsOfEvent(db: Executor, eventId: string): Promise<string[]> {
  const rows = await db
    .select({ id: passes.id })
    .from(passes)
    .where(and(eq(passes.eventId, eventId), eq(passes.status, 'revoked')))
    .orderBy(passes.id);
  return rows.map((row) => row.id);
}
