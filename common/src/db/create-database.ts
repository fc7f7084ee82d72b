import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import type { Logger } from '../logging';

/**
 * A Drizzle database on a `pg` pool, typed with the service's schema. Code that only needs SQL
 * takes the default `Database`; code that uses `db.query` takes `Database<typeof schema>`.
 */
export type Database<S extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<PgQueryResultHKT, S>;

/** The `tx` of `db.transaction(async (tx) => …)`. */
export type Transaction<S extends Record<string, unknown> = Record<string, unknown>> = Parameters<
  Parameters<Database<S>['transaction']>[0]
>[0];

/** Anything that runs queries: the database itself or an open transaction. */
export type Executor<S extends Record<string, unknown> = Record<string, unknown>> = Database<S> | Transaction<S>;

export interface CreateDatabaseOptions<S extends Record<string, unknown>> {
  /** `postgres://…` of the service's own database (`npm start` and the test harness provide one). */
  url: string;
  /** The service's Drizzle schema (tables, and `outbox` / `processedEvents` re-exported from common). */
  schema: S;
  /** The folder drizzle-kit generated the migrations into; they run before this resolves. */
  migrationsFolder: string;
  logger?: Logger;
  /** Maximum connections of the pool (default 10). */
  poolSize?: number;
}

export interface DatabaseHandle<S extends Record<string, unknown>> {
  db: Database<S>;
  /** Resolves when the database answers a trivial query (readiness probes). */
  ping(): Promise<void>;
  /** Ends the pool (a second call does nothing). */
  close(): Promise<void>;
}

/**
 * Serialises migrations of replicas that start together against one PostgreSQL database
 * (pg_advisory_lock's key space is per database). An arbitrary constant, distinct from the
 * outbox relay's key.
 */
export const MIGRATION_LOCK_KEY = 7_246_519_001;

/**
 * Opens a `pg` pool on the service's database and brings its schema up to date. The migration
 * runs under an advisory lock, so replicas starting together migrate one after the other.
 */
export async function createDatabase<S extends Record<string, unknown>>({
  url,
  schema,
  migrationsFolder,
  logger,
  poolSize = 10,
}: CreateDatabaseOptions<S>): Promise<DatabaseHandle<S>> {
  const pool = new Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it would
  // crash the process. The pool replaces the client on the next checkout.
  pool.on('error', (error) => logger?.error({ err: error }, 'idle PostgreSQL connection failed'));
  try {
    const started = Date.now();
    const client = await pool.connect();
    try {
      // Session-level lock on one dedicated connection: migrate() opens its transaction on the
      // client it is given, so the whole migration runs while this connection holds the lock.
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await migrate(drizzle({ client }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
    logger?.info({ ms: Date.now() - started }, 'database migrated');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    db: drizzle({ client: pool, schema }),
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      if (!pool.ending) await pool.end();
    },
  };
}
