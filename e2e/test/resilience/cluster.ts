import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  freePort,
  type NatsServerHandle,
  type RedisServerHandle,
  signin,
  startNatsServer,
  startRedisServer,
  testPostgresServer,
  waitFor,
} from '@ticketing/common/testing';
import { ROOT } from '../platform';

export const SERVICES = ['auth', 'tickets', 'orders', 'payments', 'expiration', 'passes'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The services that own a database (expiration keeps its state in Redis). */
export const DATABASE_SERVICES = ['auth', 'tickets', 'orders', 'payments', 'passes'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

/** Signs the webhook test events; payments is started with it so the webhook verifies instead of answering 503. */
export const WEBHOOK_SECRET = 'whsec_resilience_test_secret';

export interface ClusterOptions {
  /** Environment of every service (on top of the cluster's own: ports, URLs, JWT_KEY, …). */
  env?: NodeJS.ProcessEnv;
  /** Environment of one service, on top of `env`. */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
}

export interface Cluster {
  readonly jwtKey: string;
  readonly nats: NatsServerHandle;
  readonly redis: RedisServerHandle;
  /** One database per service on the jest worker's PostgreSQL server, readable by the test while services run. */
  readonly databaseUrls: Readonly<Record<DatabaseService, string>>;
  /** Where each service's output goes (appended across restarts). */
  readonly logDir: string;
  /** `http://127.0.0.1:<port>` of a service; the port stays the same across restarts. */
  url(service: ServiceName): string;
  /** A `Cookie` header of a signed-in user (a fresh one by default). */
  cookieFor(id?: string): string;
  /** Sends `signal` (default SIGKILL: a crash) and resolves once the process is gone. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts the service again on its port and database (killing it first if it still runs) and waits until ready. */
  restart(service: ServiceName, env?: NodeJS.ProcessEnv): Promise<void>;
  /** Resolves once `GET /readyz` answers 200; rejects when the process exits or the time is up. */
  waitReady(service: ServiceName, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once `GET /healthz/details` answers 200: ready and every dependency (NATS, Redis)
   * reachable again. Readiness alone no longer says so, by design.
   */
  waitHealthy(service: ServiceName, timeoutMs?: number): Promise<void>;
  isRunning(service: ServiceName): boolean;
  /** Every exit the test did not ask for (a crash), e.g. `orders exited unexpectedly (code 1)`. */
  unexpectedExits(): string[];
  /** The last lines the service wrote. */
  logTail(service: ServiceName): string;
  /** Stops every service, then NATS and Redis, drops the databases, and removes the data. */
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set before a kill or stop the test asked for, so the exit is not reported as unexpected. */
  expected: boolean;
}

/**
 * The parts of the platform started one by one, so a test can crash and restart each of them —
 * the launcher (scripts/start.mjs) supervises its children and stops everything when one dies.
 * Real nats-server and redis-server from the testing helpers, a database per service on the
 * jest worker's PostgreSQL server, and every service as `node <service>/dist/index.js` (run
 * `node scripts/build.mjs` first) on a port of its own.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const jwtKey = `resilience-${randomUUID()}`;
  // One signing key for the cluster's life, as a Secret gives one: codes stay valid across restarts.
  const passSigningKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const logDir = mkdtempSync(path.join(tmpdir(), 'ticketing-resilience-'));
  const postgres = testPostgresServer();
  const [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  const databaseUrls = {} as Record<DatabaseService, string>;
  for (const service of DATABASE_SERVICES) databaseUrls[service] = await postgres.createDatabase();
  const stopServers = () =>
    Promise.all([nats.stop(), redis.stop(), ...Object.values(databaseUrls).map((url) => postgres.dropDatabase(url))]);
  const ports = {} as Record<ServiceName, number>;
  for (const service of SERVICES) ports[service] = await freePort();

  const running = new Map<ServiceName, Running>();
  const logs = new Map<ServiceName, WriteStream>();
  const tails = new Map<ServiceName, string>();
  const unexpected: string[] = [];
  const extraEnv = new Map<ServiceName, NodeJS.ProcessEnv>();

  const envFor = (service: ServiceName): NodeJS.ProcessEnv => ({
    // A clean environment: nothing of jest's (NODE_ENV=test) or the developer's shell leaks in.
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(ports[service]),
    NATS_URL: nats.url,
    REDIS_URL: redis.url,
    JWT_KEY: jwtKey,
    // The tests retry POST /api/orders every 25 ms until orders knows the ticket, and the fuzzer
    // sends hundreds as one user: the per-buyer request limit (RATE_LIMIT_ORDERS, tested in
    // orders and by security.test.ts) would answer them 429 instead of exercising the route.
    ...(service === 'orders' ? { RATE_LIMIT_ORDERS: '100000' } : {}),
    // A reconciler that settles a charge a crash cut short within seconds, not minutes.
    ...(service === 'payments'
      ? { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, RECONCILE_AFTER_SECONDS: '3', RECONCILE_INTERVAL_SECONDS: '1' }
      : {}),
    // Some tests publish order events of tickets that never existed: passes issues their passes
    // without an event once GAP_HEAL_SECONDS have passed, so within the tests' settle time.
    ...(service === 'passes' ? { PASS_SIGNING_KEY: passSigningKey, GAP_HEAL_SECONDS: '2' } : {}),
    ...(service in databaseUrls ? { DATABASE_URL: databaseUrls[service as DatabaseService] } : {}),
    ...options.env,
    ...options.serviceEnv?.[service],
    ...extraEnv.get(service),
  });

  const launch = (service: ServiceName) => {
    let log = logs.get(service);
    if (!log) {
      log = createWriteStream(path.join(logDir, `${service}.log`), { flags: 'a' });
      logs.set(service, log);
    }
    log.write(`\n----- start ${new Date().toISOString()} -----\n`);
    const child = spawn(process.execPath, [path.join(ROOT, service, 'dist', 'index.js')], {
      cwd: path.join(ROOT, service),
      env: envFor(service),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tails.set(service, ((tails.get(service) ?? '') + chunk.toString()).slice(-6000));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const entry: Running = {
      child,
      expected: false,
      exited: new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          if (!entry.expected) unexpected.push(`${service} exited unexpectedly (${signal ?? `code ${code}`})`);
          resolve();
        });
      }),
    };
    running.set(service, entry);
  };

  const isRunning = (service: ServiceName) => {
    const entry = running.get(service);
    return entry !== undefined && entry.child.exitCode === null && entry.child.signalCode === null;
  };

  const kill = async (service: ServiceName, signal: NodeJS.Signals = 'SIGKILL') => {
    const entry = running.get(service);
    if (!entry) return;
    entry.expected = true;
    if (isRunning(service)) entry.child.kill(signal);
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), 10_000);
    await entry.exited;
    clearTimeout(timer);
  };

  const waitFor200 = async (service: ServiceName, probe: string, timeoutMs: number) => {
    await waitFor(
      async () => {
        if (!isRunning(service)) {
          throw new Error(`${service} is not running:\n${tails.get(service) ?? ''}`);
        }
        const response = await fetch(`http://127.0.0.1:${ports[service]}${probe}`);
        return response.status === 200;
      },
      { timeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${service} did not answer ${probe}: ${error.message}\n${tails.get(service) ?? ''}`);
    });
  };
  const waitReady = (service: ServiceName, timeoutMs = 60_000) => waitFor200(service, '/readyz', timeoutMs);
  const waitHealthy = (service: ServiceName, timeoutMs = 60_000) => waitFor200(service, '/healthz/details', timeoutMs);

  const stopAll = async () => {
    await Promise.all(SERVICES.map((service) => kill(service, 'SIGTERM')));
    for (const log of logs.values()) log.end();
  };

  try {
    for (const service of SERVICES) launch(service);
    await Promise.all(SERVICES.map((service) => waitReady(service)));
  } catch (error) {
    await stopAll();
    await stopServers();
    throw error;
  }

  return {
    jwtKey,
    nats,
    redis,
    databaseUrls,
    logDir,
    url: (service) => `http://127.0.0.1:${ports[service]}`,
    cookieFor: (id = randomUUID()) => signin({ jwtKey, id, email: `${id.slice(0, 8)}@test.dev` }).join('; '),
    kill,
    async restart(service, env) {
      await kill(service);
      if (env) extraEnv.set(service, { ...extraEnv.get(service), ...env });
      launch(service);
      await waitReady(service);
    },
    waitReady,
    waitHealthy,
    isRunning,
    unexpectedExits: () => [...unexpected],
    logTail: (service) => tails.get(service) ?? '',
    async stop() {
      await stopAll();
      await stopServers();
      // Kept when a service crashed on its own, or on request, for the post-mortem.
      if (process.env.KEEP_RESILIENCE_LOGS || unexpected.length > 0) {
        process.stderr.write(`resilience cluster logs kept in ${logDir}\n`);
      } else {
        rmSync(logDir, { recursive: true, force: true });
      }
    },
  };
}
