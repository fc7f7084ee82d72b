import { and, eq } from 'drizzle-orm';
import type { AnyPgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Executor } from './create-database';

/** A table whose rows carry an `id` and an integer `version` (optimistic concurrency). */
export type VersionedTable = PgTable & { id: AnyPgColumn; version: AnyPgColumn<{ data: number }> };

/** What {@link updateVersioned} may set: any column except `id` and `version`. */
export type VersionedValues<T extends VersionedTable> = Omit<PgUpdateSetSource<T>, 'id' | 'version'>;

/**
 * `UPDATE table SET …values, version = expectedVersion + 1 WHERE id = $id AND version = expectedVersion`.
 *
 * Returns the updated row, or `undefined` when the row is missing or its version is not
 * `expectedVersion` — someone else changed it first (owner side), or a predecessor event has not
 * been applied yet (replica side: pass `event.version - 1`).
 */
export async function updateVersioned<T extends VersionedTable>(
  tx: Executor,
  table: T,
  id: T['id']['_']['data'],
  expectedVersion: number,
  values: VersionedValues<T>,
): Promise<T['$inferSelect'] | undefined> {
  const set = { ...values, version: expectedVersion + 1 } as PgUpdateSetSource<T>;
  const rows = (await tx
    .update(table)
    .set(set)
    .where(and(eq(table.id, id), eq(table.version, expectedVersion)))
    .returning()) as T['$inferSelect'][];
  return rows[0];
}

const UNIQUE_VIOLATION = '23505';

/**
 * True when `error` is PostgreSQL's unique violation (SQLSTATE 23505), optionally of the
 * constraint or unique index `constraintName`. Works for `pg` errors, also when Drizzle
 * wrapped them (it puts the driver's error in `cause`).
 */
export function isUniqueViolation(error: unknown, constraintName?: string): boolean {
  let current: unknown = error;
  // Bounded: a cause chain could be circular.
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { code?: unknown; constraint?: unknown; message?: unknown; cause?: unknown };
    if (candidate.code === UNIQUE_VIOLATION) {
      if (constraintName === undefined) return true;
      if (candidate.constraint === constraintName) return true;
      // Some wrappers keep only the message: `duplicate key value violates unique constraint "name"`.
      return typeof candidate.message === 'string' && candidate.message.includes(`"${constraintName}"`);
    }
    current = candidate.cause;
  }
  return false;
}
