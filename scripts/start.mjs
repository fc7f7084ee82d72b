#!/usr/bin/env node
// `npm start`: the whole platform on one machine with nothing to configure. Installs what is
// missing, builds, starts nats-server (JetStream) and redis-server with data under .data/, every
// service with its PGlite database under .data/<service>, waits for each /readyz, and serves
// everything from http://localhost:3000 through the gateway. Ctrl-C stops it all.
//
// Uses only Node's standard library until the dependencies are installed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, ensureDependencies, ensureSystemPackages, which } from './lib/prepare.mjs';
import { APPS, presentApps, ROOT } from './lib/services.mjs';

const DATA = path.resolve(process.env.TICKETING_DATA_DIR ?? path.join(ROOT, '.data'));
const LOGS = path.join(DATA, 'logs');
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 3000);
const skipPrepare = process.argv.includes('--no-build');

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(line);

if (!skipPrepare) {
  try {
    ensureDependencies(say);
    ensureSystemPackages({ 'nats-server': 'nats-server', 'redis-server': 'redis-server' }, say);
    build(say);
  } catch (error) {
    console.error(`\n✗ ${error.message}`);
    process.exit(1);
  }
}
mkdirSync(LOGS, { recursive: true });

const { answers200, freePort, isPortOpen, startChild, stopChild, waitUntil } = await import('./lib/processes.mjs');
const { createGateway } = await import('./gateway.mjs');

/** Session tokens need a signing key: the one from the environment, or one made once and kept. */
function jwtKey() {
  if (process.env.JWT_KEY) return process.env.JWT_KEY;
  const file = path.join(DATA, 'jwt-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Where a service keeps its data: PGlite under .data/<service>, or — when DATABASE_URL names a
 * PostgreSQL server — a database of its own on that server (`<name>_<service>`, created if
 * missing), since each service owns its tables.
 */
async function databaseFor(service) {
  if (!process.env.DATABASE_URL) return { PGLITE_DIR: path.join(DATA, service) };
  const { default: pg } = await import('pg');
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1) || 'ticketing'}_${service}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}

const children = [];
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('\nStopping …');
  gateway?.close();
  // Services first (they drain their consumers and outbox), then the servers they use.
  for (const entry of [...children].reverse()) await stopChild(entry.child);
  say('Stopped.');
  process.exit(code);
}

function supervise(entry) {
  children.push(entry);
  entry.child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(
      `\n✗ ${entry.name} stopped unexpectedly (${signal ?? `exit code ${code}`}). Last lines of ${entry.logFile}:`,
    );
    console.error(entry.tail().replace(/^/gm, '    '));
    shutdown(1);
  });
  return entry;
}

async function startServer(name, binary, args, port) {
  const entry = supervise(
    startChild(name, binary, args, { cwd: ROOT, env: process.env, logFile: path.join(LOGS, `${name}.log`) }),
  );
  await waitUntil(() => isPortOpen(port), { child: entry.child, what: name, timeoutMs: 20_000 });
  say(`✓ ${name} ready on 127.0.0.1:${port} (${elapsed()})`);
}

let gateway;
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  let natsUrl = process.env.NATS_URL;
  if (!natsUrl) {
    const port = await freePort();
    mkdirSync(path.join(DATA, 'nats'), { recursive: true });
    await startServer(
      'nats-server',
      which('nats-server'),
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(DATA, 'nats')],
      port,
    );
    natsUrl = `nats://127.0.0.1:${port}`;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const port = await freePort();
    const dir = path.join(DATA, 'redis');
    mkdirSync(dir, { recursive: true });
    await startServer(
      'redis-server',
      which('redis-server'),
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      port,
    );
    redisUrl = `redis://127.0.0.1:${port}`;
  }

  const key = jwtKey();
  const targets = new Map();
  const services = presentApps().filter((app) => app.name !== 'client');
  await Promise.all(
    services.map(async (app) => {
      const port = await freePort();
      const env = {
        ...process.env,
        NODE_ENV: process.env.NODE_ENV ?? 'development',
        PORT: String(port),
        NATS_URL: natsUrl,
        REDIS_URL: redisUrl,
        JWT_KEY: key,
        ...(await databaseFor(app.name)),
      };
      const entry = supervise(
        startChild(app.name, process.execPath, [path.join(ROOT, app.name, 'dist', 'index.js')], {
          cwd: path.join(ROOT, app.name),
          env,
          logFile: path.join(LOGS, `${app.name}.log`),
        }),
      );
      await waitUntil(() => answers200(`http://127.0.0.1:${port}/readyz`), { child: entry.child, what: app.name });
      targets.set(app.name, `http://127.0.0.1:${port}`);
      say(`✓ ${app.name} ready (${elapsed()})`);
    }),
  );

  // Only the apps in this checkout get a route; any other path answers 404.
  const routes = APPS.filter((app) => app.route && targets.has(app.name)).map((app) => ({
    prefix: app.route,
    name: app.name,
    target: targets.get(app.name),
  }));
  gateway = createGateway(routes);
  await new Promise((resolve, reject) => {
    gateway.once('error', reject);
    gateway.listen(GATEWAY_PORT, resolve);
  });
  say(`\nTicketing is up in ${elapsed()}: http://localhost:${GATEWAY_PORT}`);
  say(`Logs: ${path.relative(ROOT, LOGS)}/<part>.log · Ctrl-C stops everything.`);
} catch (error) {
  console.error(`\n✗ ${error.message}`);
  const failed = children.find((entry) => error.message.startsWith(entry.name));
  if (failed) console.error(`Last lines of ${failed.logFile}:\n${failed.tail().replace(/^/gm, '    ')}`);
  await shutdown(1);
}
