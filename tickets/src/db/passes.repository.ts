import { type Executor, preparedStatement } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { type PassRow, passes } from './schema';

export async function findPass(db: Executor, id: string): Promise<PassRow | undefined> {
  const [row] = await db.select().from(passes).where(eq(passes.id, id)).limit(1);
  return row;
}

/** Inserts a pass's replica at its first version (pass.issued); false when it is already there. */
export async function insertPass(db: Executor, pass: PassRow): Promise<boolean> {
  const inserted = await db.insert(passes).values(pass).onConflictDoNothing().returning({ id: passes.id });
  return inserted.length > 0;
}

/** What a later version of a pass says of it (every pass event but pass.issued). */
export type PassChange = Pick<
  PassRow,
  'id' | 'version' | 'ticketId' | 'eventId' | 'holderId' | 'generation' | 'status' | 'listingId'
>;

/** The replica takes the pass's later version as the event carries it, whatever version it held (a gap that healed). */
export async function overwritePassVersion(db: Executor, change: PassChange): Promise<PassRow | undefined> {
  const { id, ...values } = change;
  const [row] = await db.update(passes).set(values).where(eq(passes.id, id)).returning();
  return row;
}

/**
 * Moves the replica to `change.version` when it holds the version before it; false otherwise. A
 * prepared statement: every admission at the door and every resale step runs it.
 */
export async function updatePassToVersion(db: Executor, change: PassChange): Promise<boolean> {
  const rows = await updatePassToVersionStatement.run(db, [
    change.id,
    change.version,
    change.ticketId,
    change.eventId,
    change.holderId,
    change.generation,
    change.status,
    change.listingId,
  ]);
  return rows.length > 0;
}

const updatePassToVersionStatement = preparedStatement<{ id: string }>(
  'tickets_update_pass_to_version',
  `update passes
      set version = $2, ticket_id = $3, event_id = $4, holder_id = $5, generation = $6, status = $7, listing_id = $8
    where id = $1 and version = $2 - 1
    returning id`,
);

/**
 * {@link updatePassToVersion} for several passes in one statement: each moves to its change's
 * version when it holds the version before it. Returns the changes applied, as `id@version`.
 */
export async function updatePassesToVersion(db: Executor, changes: readonly PassChange[]): Promise<Set<string>> {
  const column = <K extends keyof PassChange>(key: K) => changes.map((change) => change[key]);
  const rows = await updatePassesToVersionStatement.run(db, [
    column('id'),
    column('version'),
    column('ticketId'),
    column('eventId'),
    column('holderId'),
    column('generation'),
    column('status'),
    column('listingId'),
  ]);
  return new Set(rows.map((row) => `${row.id}@${row.version}`));
}

const updatePassesToVersionStatement = preparedStatement<{ id: string; version: number }>(
  'tickets_update_passes_to_version',
  `update passes p
      set version = c.version, ticket_id = c.ticket_id, event_id = c.event_id, holder_id = c.holder_id,
          generation = c.generation, status = c.status, listing_id = c.listing_id
     from unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::uuid[])
          as c(id, version, ticket_id, event_id, holder_id, generation, status, listing_id)
    where p.id = c.id and p.version = c.version - 1
    returning p.id, p.version`,
);
