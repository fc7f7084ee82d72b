import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Pool } from 'pg';
import { createDatabase, type Database } from '../db/create-database';
import { findBinary, freePort, stopChild, waitForPort } from './processes';
import { waitFor } from './wait-for';

export interface TestDatabaseOptions<S extends Record<string, unknown>> {
  schema: S;
  migrationsFolder: string;
  /** A database on a real PostgreSQL server (e.g. from {@link startPostgresServer}) instead of PGlite. */
  url?: string;
  poolSize?: number;
}

export interface TestDatabase<S extends Record<string, unknown>> {
  db: Database<S>;
  /** Empties every table of the `public` schema and restarts its sequences; call it in `beforeEach`. */
  truncate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database with the service's migrations applied: in-memory PGlite, or the PostgreSQL database
 * at `url` for tests that need connections that truly race. Opening PGlite takes about a second,
 * so open one per test file (`beforeAll`) and {@link TestDatabase.truncate} between tests.
 */
export async function createTestDatabase<S extends Record<string, unknown>>(
  options: TestDatabaseOptions<S>,
): Promise<TestDatabase<S>> {
  const handle = await createDatabase({ ...options, dataDir: 'memory://' });
  const { db } = handle;
  return {
    db,
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
    close: () => handle.close(),
  };
}

export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  url: string;
  port: number;
  /** Creates an empty database on the server and returns its URL (a clean database per test file). */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL server (`initdb` + `postgres` from the PATH or
 * /usr/lib/postgresql/<version>/bin) on a free loopback port with a temporary data directory,
 * for the tests that need a real server rather than PGlite (several connections, advisory locks
 * across processes). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPostgresServer(): Promise<PostgresServerHandle> {
  const binDir = findPostgresBinDir();
  const owner = serverUser();
  const baseDir = mkdtempSync(path.join(tmpdir(), 'ticketing-pg-'));
  const dataDir = path.join(baseDir, 'data');
  if (owner) chownSync(baseDir, owner.uid, owner.gid);
  const spawnOptions = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    execFileSync(
      path.join(binDir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'],
      { ...spawnOptions, stdio: 'pipe', cwd: baseDir },
    );
  } catch (error) {
    rmSync(baseDir, { recursive: true, force: true });
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`initdb failed: ${output}`);
  }

  const port = await freePort();
  const args = ['-D', dataDir, '-p', String(port), '-k', baseDir, '-c', 'listen_addresses=127.0.0.1'];
  // Durability is pointless for a throw-away server and costs seconds per test file.
  args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(path.join(binDir, 'postgres'), args, {
    ...spawnOptions,
    cwd: baseDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
    await stopChild(child, 'SIGINT');
    rmSync(baseDir, { recursive: true, force: true });
  };

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = new Pool({ connectionString: url, max: 1 });
  // pool.end() resolves before its last socket closes; the shutdown may still reach it.
  admin.on('error', () => undefined);
  try {
    await waitForPort(port, child, () => output);
    // The port opens before recovery finishes ("the database system is starting up").
    await waitFor(() => admin.query('select 1').then(() => true), { timeoutMs: 10_000 });
  } catch (error) {
    await admin.end();
    await stop();
    throw error;
  }

  let databases = 0;
  return {
    url,
    port,
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      await admin.query(`create database "${name}"`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.end();
      await stop();
    },
  };
}

function findPostgresBinDir(): string {
  try {
    return path.dirname(realpathSync(findBinary('initdb', 'postgresql')));
  } catch (error) {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
    for (const version of versions) {
      const dir = path.join(root, version, 'bin');
      if (existsSync(path.join(dir, 'initdb'))) return dir;
    }
    throw error;
  }
}

/** The uid/gid to run PostgreSQL as: `postgres` when this process is root, otherwise none (ourselves). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'PostgreSQL cannot run as root and there is no `postgres` user (apt-get install -y postgresql creates it)',
    );
  }
}
