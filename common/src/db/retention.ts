import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Logger } from '../logging';
import { PeriodicJob } from '../service/periodic-job';
import type { Executor } from './create-database';
import { outbox, processedEvents } from './outbox';

/** A table whose rows are only needed while their event can still come back from the stream. */
export interface RetainedTable {
  table: PgTable;
  /** When the row was written; rows older than the retention are deleted. */
  writtenAt: PgColumn;
  /** Rows that must stay whatever their age (e.g. outbox rows not published yet). */
  keep?: SQL;
  /**
   * How long after `writtenAt` this table's rows are kept, instead of the job's retention: `0`
   * with an expiry column as `writtenAt` deletes rows once they have expired.
   */
  retentionMs?: number;
}

/**
 * The bookkeeping every service with events keeps only to recognise a redelivery or a replay:
 * published outbox rows and the processed-event keys. Once the stream has dropped an event
 * (its `max_age`), nothing can deliver it again.
 */
export const EVENT_BOOKKEEPING: readonly RetainedTable[] = [
  { table: outbox, writtenAt: outbox.createdAt, keep: sql`${outbox.publishedAt} is null` },
  { table: processedEvents, writtenAt: processedEvents.processedAt },
];

const DELETE_BATCH = 5_000;

/**
 * Deletes the rows of `tables` written before `cutoff` (or, for a table with its own
 * `retentionMs`, before `now` minus it), a few thousand at a time so no lock is held long.
 * Resolves with the count deleted per table.
 */
export async function pruneOlderThan(
  db: Executor,
  cutoff: Date,
  tables: readonly RetainedTable[],
  now: Date = new Date(),
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const { table, writtenAt, keep, retentionMs } of tables) {
    const name = getTableName(table);
    const before = retentionMs === undefined ? cutoff : new Date(now.getTime() - retentionMs);
    deleted[name] = 0;
    for (;;) {
      const condition = keep ? sql`${writtenAt} < ${before} and not (${keep})` : sql`${writtenAt} < ${before}`;
      const result = await db.execute(
        sql`delete from ${table} where ctid in (select ctid from ${table} where ${condition} limit ${DELETE_BATCH})`,
      );
      const count = (result as unknown as { rowCount: number | null }).rowCount ?? 0;
      deleted[name] += count;
      if (count < DELETE_BATCH) break;
    }
  }
  return deleted;
}

export interface RetentionJobOptions {
  db: Executor;
  logger: Logger;
  /** How long rows are kept: the stream's `max_age`. */
  retentionMs: number;
  tables: readonly RetainedTable[];
  /** Pause between two prunes (default 1 hour). */
  intervalMs?: number;
}

/** Prunes {@link RetainedTable}s now and then every interval (see {@link pruneOlderThan}). */
export function retentionJob({ db, logger, retentionMs, tables, intervalMs = 3_600_000 }: RetentionJobOptions) {
  return new PeriodicJob({
    name: 'retention',
    logger,
    intervalMs,
    run: async () => {
      const now = new Date();
      const deleted = await pruneOlderThan(db, new Date(now.getTime() - retentionMs), tables, now);
      if (Object.values(deleted).some((n) => n > 0))
        logger.info({ deleted, retentionMs }, 'old event bookkeeping pruned');
    },
  });
}
