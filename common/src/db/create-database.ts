import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import type { Logger } from '../logging';

/**
 * A Drizzle database on either driver (node-postgres or PGlite), typed with the service's schema.
 * Code that only needs SQL takes the default `Database`; code that uses `db.query` takes
 * `Database<typeof schema>`.
 */
export type Database<S extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<PgQueryResultHKT, S>;

/** The `tx` of `db.transaction(async (tx) => …)`. */
export type Transaction<S extends Record<string, unknown> = Record<string, unknown>> = Parameters<
  Parameters<Database<S>['transaction']>[0]
>[0];

/** Anything that runs queries: the database itself or an open transaction. */
export type Executor<S extends Record<string, unknown> = Record<string, unknown>> = Database<S> | Transaction<S>;

export type DatabaseDriver = 'pg' | 'pglite';

export interface CreateDatabaseOptions<S extends Record<string, unknown>> {
  /** `postgres://…`: a real PostgreSQL server through a `pg` pool. Takes precedence over `dataDir`. */
  url?: string;
  /** PGlite's data directory (created when missing), or `memory://` (the default) for an in-memory database. */
  dataDir?: string;
  /** The service's Drizzle schema (tables, and `outbox` / `processedEvents` re-exported from common). */
  schema: S;
  /** The folder drizzle-kit generated the migrations into; they run before this resolves. */
  migrationsFolder: string;
  logger?: Logger;
  /** Maximum connections of the `pg` pool (default 10). Ignored by PGlite. */
  poolSize?: number;
}

export interface DatabaseHandle<S extends Record<string, unknown>> {
  db: Database<S>;
  driver: DatabaseDriver;
  /** Resolves when the database answers a trivial query (readiness probes). */
  ping(): Promise<void>;
  /** Ends the pool or closes PGlite (which flushes its data directory). */
  close(): Promise<void>;
}

/**
 * Serialises migrations of replicas that start together against one PostgreSQL database
 * (pg_advisory_lock's key space is per database). An arbitrary constant, distinct from the
 * outbox relay's key.
 */
export const MIGRATION_LOCK_KEY = 7_246_519_001;

const IN_MEMORY = 'memory://';

/**
 * Opens the service's database and brings its schema up to date. With `url`, a `pg` pool on a
 * PostgreSQL server (the migration runs under an advisory lock, so replicas starting together
 * migrate one after the other); otherwise PGlite, in `dataDir` or in memory.
 */
export async function createDatabase<S extends Record<string, unknown>>(
  options: CreateDatabaseOptions<S>,
): Promise<DatabaseHandle<S>> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir ?? IN_MEMORY, options);
}

async function openPostgres<S extends Record<string, unknown>>(
  url: string,
  { schema, migrationsFolder, logger, poolSize = 10 }: CreateDatabaseOptions<S>,
): Promise<DatabaseHandle<S>> {
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
        await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
    logger?.info({ driver: 'pg', ms: Date.now() - started }, 'database migrated');
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db: Database<S> = drizzleNodePg({ client: pool, schema });
  return {
    db,
    driver: 'pg',
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

async function openPglite<S extends Record<string, unknown>>(
  dataDir: string,
  { schema, migrationsFolder, logger }: CreateDatabaseOptions<S>,
): Promise<DatabaseHandle<S>> {
  if (dataDir !== IN_MEMORY) mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  const client = new PGlite(dataDir);
  try {
    await client.waitReady;
    const opened = Date.now();
    const db: Database<S> = drizzlePglite({ client, schema });
    await migratePglite(drizzlePglite({ client }), { migrationsFolder });
    logger?.info(
      { driver: 'pglite', dataDir, openMs: opened - started, migrateMs: Date.now() - opened },
      'database migrated',
    );
    return {
      db,
      driver: 'pglite',
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: () => client.close(),
    };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
