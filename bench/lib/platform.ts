import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@ticketing/common/testing';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TMP = path.join(ROOT, 'bench', '.tmp');
/**
 * The checkout whose launcher and builds are benchmarked: this one, or BENCH_PLATFORM_ROOT (e.g.
 * a scratch copy with a candidate fix, for before/after figures from the same bench).
 */
export const PLATFORM_ROOT = path.resolve(process.env.BENCH_PLATFORM_ROOT || ROOT);

/** The services whose HTTP port the benchmarks read from their logs. */
const SERVICES = ['auth', 'tickets', 'orders', 'payments', 'expiration', 'passes'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface BenchPlatform {
  gatewayUrl: string;
  natsUrl: string;
  /** The operator's NATS user, when the launcher's nats-server checks users (`.data/nats-operator.json`). */
  natsOperator?: { user: string; pass: string };
  dataDir: string;
  /** `postgres://…` of a database on the platform's PostgreSQL server (`postgres` for the server itself). */
  databaseUrl(database: string): string;
  /** Spawn of the launcher → its "Ticketing is up" line. */
  startupMs: number;
  /** Each service's own port (the gateway routes by path; direct access needs these). */
  ports: Record<ServiceName, number>;
  serviceUrl(service: ServiceName): string;
  /** Resident memory (VmRSS, kB) of the launcher (which is also the gateway) and of each process it started. */
  rss(): Record<string, number>;
  /** The launcher's pid (the root of the platform's process tree). */
  pid: number;
  /** Ctrl-C, then removes the data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** The launcher's output so far. */
  output(): string;
}

export interface StartOptions {
  /** Reuse this data directory (a restart); default a new temporary one. */
  dataDir?: string;
  /**
   * `postgres://…`: every service gets a database of its own on that server (the launcher
   * creates them). Unset: the launcher starts its own PostgreSQL, as `npm start` does.
   */
  databaseUrl?: string;
  /** Run the launcher's preparation too (dependencies check, build of what changed), as `npm start` does. */
  prepare?: boolean;
  jwtKey: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Starts the platform exactly as `npm start` does (scripts/start.mjs: its own nats-server,
 * redis-server and PostgreSQL, every service, the client, the gateway), with its data in a
 * temporary directory under bench/.tmp; `--no-build` unless `prepare`.
 */
export async function startPlatform({
  databaseUrl,
  jwtKey,
  env = {},
  timeoutMs = 120_000,
  dataDir: given,
  prepare = false,
  root = PLATFORM_ROOT,
}: StartOptions & { root?: string }) {
  const dataDir = given ?? mkdtempSync(path.join(TMP, 'platform-'));
  const gatewayPort = await freePort();
  const started = performance.now();
  const args = [path.join(root, 'scripts', 'start.mjs'), ...(prepare ? [] : ['--no-build'])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      NATS_URL: '',
      REDIS_URL: '',
      DATABASE_URL: databaseUrl ?? '',
      JWT_KEY: jwtKey,
      ...env,
      GATEWAY_PORT: String(gatewayPort),
      TICKETING_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`platform not up within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const check = () => {
        if (output.includes('Ticketing is up')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`platform exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop({ keepData: given !== undefined });
    throw error;
  }
  const startupMs = performance.now() - started;

  const natsPort = /nats-server ready on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  if (!natsPort) throw new Error(`no nats-server port in the launcher output:\n${output}`);
  // "✓ postgres ready on 127.0.0.1:<port> (…): postgres://postgres:…@127.0.0.1:<port>/<service>"
  const embedded = /(postgres:\/\/\S+)\/<service>/.exec(output)?.[1];
  const databaseUrlOf = (database: string) => {
    if (embedded) return `${embedded}/${database}`;
    if (!databaseUrl) throw new Error(`no database address in the launcher output:\n${output}`);
    // The launcher names each service's database `<name>_<service>` on the given server.
    const url = new URL(databaseUrl);
    url.pathname = database === 'postgres' ? '/postgres' : `/${url.pathname.slice(1) || 'ticketing'}_${database}`;
    return url.toString();
  };
  // A platform from before a service existed (BENCH_PLATFORM_ROOT) has no log of it.
  const ports = Object.fromEntries(
    SERVICES.filter((name) => existsSync(path.join(dataDir, 'logs', `${name}.log`))).map((name) => [
      name,
      listeningPort(dataDir, name),
    ]),
  ) as Record<ServiceName, number>;
  const platform: BenchPlatform = {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    ...natsOperatorOf(dataDir),
    dataDir,
    databaseUrl: databaseUrlOf,
    startupMs,
    ports,
    serviceUrl: (service) => `http://127.0.0.1:${ports[service]}`,
    rss: () => rssOfTree(child),
    pid: child.pid!,
    stop,
    output: () => output,
  };
  return platform;
}

function natsOperatorOf(dataDir: string): Pick<BenchPlatform, 'natsOperator'> {
  const file = path.join(dataDir, 'nats-operator.json');
  if (!existsSync(file)) return {};
  const { user, password } = JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string };
  return { natsOperator: { user, pass: password } };
}

/** The port a service logged in its `{"port":…,"msg":"<service> listening"}` line. */
function listeningPort(dataDir: string, service: ServiceName): number {
  const file = path.join(dataDir, 'logs', `${service}.log`);
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(`${service} listening`)) continue;
    const port = (JSON.parse(line) as { port?: number }).port;
    if (port) return port;
  }
  throw new Error(`${service} logged no port in ${file}`);
}

/** Every process under `pid` (found through /proc's parent pids), named by what it runs. */
export function processTree(pid: number, rootName: string): Map<string, number> {
  const children = childrenByParent();
  const result = new Map<string, number>();
  const visit = (id: number, name: string) => {
    result.set(result.has(name) ? `${name}#${id}` : name, id);
    for (const kid of children.get(id) ?? []) visit(kid, processName(kid));
  };
  visit(pid, rootName);
  return result;
}

export function childrenByParent(): Map<number, number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) parents.set(stat.ppid, [...(parents.get(stat.ppid) ?? []), Number(entry)]);
  }
  return parents;
}

/** ppid and CPU time (ms, own and of reaped children) from /proc/<pid>/stat. */
export function procStat(pid: number): { ppid: number; cpuMs: number; childrenCpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: the fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14–17, in 1/100 s.
    const ticks = (i: number) => Number(fields[i - 3]) * 10;
    return { ppid: Number(fields[1]), cpuMs: ticks(14) + ticks(15), childrenCpuMs: ticks(16) + ticks(17) };
  } catch {
    return undefined; // the process ended while we looked
  }
}

function rssOfTree(child: ChildProcess): Record<string, number> {
  const result: Record<string, number> = {};
  if (!child.pid) return result;
  for (const [name, pid] of processTree(child.pid, 'launcher+gateway')) {
    const kb = vmRssKb(pid);
    if (kb !== undefined) result[name] = kb;
  }
  return result;
}

function vmRssKb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function processName(pid: number): string {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return `pid ${pid}`;
  }
  for (const service of SERVICES) if (cmdline.includes(`/${service}/dist/`)) return service;
  if (cmdline.startsWith('postgres') || cmdline.includes('/native/bin/postgres')) return 'postgres';
  if (cmdline.includes('nats-server')) return 'nats-server';
  if (cmdline.includes('redis-server')) return 'redis-server';
  if (cmdline.includes('standalone') || cmdline.includes('next')) return 'client';
  return cmdline.slice(0, 40) || `pid ${pid}`;
}

export function ensureBuilt(): void {
  const missing = [...SERVICES, 'common'].filter(
    (name) => !existsSync(path.join(PLATFORM_ROOT, name, 'dist', 'index.js')),
  );
  if (missing.length > 0)
    throw new Error(`no build of ${missing.join(', ')} in ${PLATFORM_ROOT}: run \`npm run build\``);
}
