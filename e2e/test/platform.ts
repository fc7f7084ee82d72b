import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@ticketing/common/testing';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Platform {
  url: string;
  /** Where the launcher keeps its data (the PostgreSQL cluster, NATS, Redis) and logs. */
  dataDir: string;
  /** `postgres://…/<service>` of a service's database on the PostgreSQL server the launcher started. */
  databaseUrl(service: string): string;
  output: () => string;
  process: ChildProcess;
  /** Sends Ctrl-C and resolves with the exit code once every part has stopped. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

export interface StartPlatformOptions {
  /**
   * When the platform does not come up (time-out, or a part exits), stop what did start (Ctrl-C to
   * the launcher, as on success) and remove its data before rejecting, so nothing outlives the
   * failed start and keeps jest from exiting. On by default.
   */
  stopOnFailure?: boolean;
}

/**
 * Starts the platform exactly as `npm start` does (scripts/start.mjs, without the install and
 * build steps that `npm test` has already done), with its data in a temporary directory.
 */
export async function startPlatform(
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 180_000,
  options: StartPlatformOptions = {},
): Promise<Platform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ticketing-platform-'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--no-build'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NATS_URL: '',
      REDIS_URL: '',
      DATABASE_URL: '',
      // The suites poll POST /api/orders every 25 ms until orders knows a new ticket, which the
      // per-buyer request limit (RATE_LIMIT_ORDERS, 30 a minute; tested in orders) would refuse.
      RATE_LIMIT_ORDERS: '100000',
      ...env,
      GATEWAY_PORT: String(port),
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`platform did not start within ${timeoutMs} ms:\n${output}`)),
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
  try {
    await started;
  } catch (error) {
    // What the parts that never said "ready" last wrote: the launcher only prints its own view.
    (error as Error).message += notReadyLogs(dataDir, output);
    if (options.stopOnFailure ?? true) {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    databaseUrl(service) {
      // The launcher prints "✓ postgres ready on …: postgres://postgres:…@127.0.0.1:<port>/<service>".
      const server = /(postgres:\/\/\S+)\/<service>/.exec(output)?.[1];
      if (!server) throw new Error(`the launcher printed no database address:\n${output}`);
      return `${server}/${service}`;
    },
    output: () => output,
    process: child,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The last lines of the log of every part the launcher has not reported ready. */
function notReadyLogs(dataDir: string, output: string): string {
  const logs = path.join(dataDir, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs)
    .map((file) => path.basename(file, '.log'))
    .filter((part) => !output.includes(`✓ ${part} ready`))
    .map((part) => {
      const lines = readFileSync(path.join(logs, `${part}.log`), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-15);
      return `\n--- last lines of ${part}.log ---\n${lines.join('\n')}`;
    })
    .join('');
}
