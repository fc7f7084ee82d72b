import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { localPort, type Settings } from '../lib/context';
import { cpuPerRequest, cpuSnapshot } from '../lib/cpu';
import { type LoadResult, load, warmAndLoad } from '../lib/load';
import { PLATFORM_ROOT, ROOT } from '../lib/platform';
import { fmt, type Row } from '../lib/report';
import { percentile } from '../lib/util';

/** The services' shared middleware (createServiceApp) ÷ a bare Express hello, same run. */
export const MIDDLEWARE_RATIO_GOAL = 0.8;
/**
 * The middleware ratio is the median of this many back-to-back pairs (hello, then the stack, half
 * the scenario duration each): this machine's speed drifts within seconds, and two measurements
 * taken a scenario apart compared the drift as much as the middleware.
 */
const MIDDLEWARE_PAIRS = 5;

export interface Baselines {
  hello: LoadResult;
  insert: LoadResult;
}

/**
 * The bare-Express figures of this machine: hello-JSON, and one INSERT … RETURNING on the same
 * PostgreSQL server, both in a child process (as the services are) under the same load.
 */
export async function baselinesScenario(
  databaseUrl: string,
  settings: Settings,
  rows: Row[],
  details: Record<string, unknown>,
): Promise<Baselines> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'lib', 'baseline-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, COMMON_DIST: path.join(PLATFORM_ROOT, 'common', 'dist') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const { port, stackPort } = await new Promise<{ port: number; stackPort: number }>((resolve, reject) => {
      let buffered = '';
      let found = false;
      // The first line says where it listens; the stack's request logs follow and are dropped.
      child.stdout?.on('data', (chunk: Buffer) => {
        if (found) return;
        buffered += chunk.toString();
        const line = buffered.split('\n').find((l) => l.startsWith('{"port"'));
        if (line) {
          found = true;
          resolve(JSON.parse(line));
        }
      });
      child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const postgresPort = localPort(databaseUrl);
    const measured = async (fn: () => Promise<LoadResult>) => {
      const before = cpuSnapshot(child.pid!, postgresPort, 'baseline server');
      const result = await fn();
      return {
        ...result,
        cpuMsPerRequest: cpuPerRequest(before, cpuSnapshot(child.pid!, postgresPort, 'baseline server'), result.total),
      };
    };
    const hello = await measured(() =>
      warmAndLoad(
        { url: `${url}/hello`, connections: settings.connections, duration: settings.durationS },
        settings.warmupS,
      ),
    );
    const stack = await measured(() =>
      warmAndLoad(
        { url: `http://127.0.0.1:${stackPort}/hello`, connections: settings.connections, duration: settings.durationS },
        settings.warmupS,
      ),
    );
    const helloRps = async (on: number) =>
      (
        await load({
          url: `http://127.0.0.1:${on}/hello`,
          connections: settings.connections,
          duration: settings.durationS / 2,
        })
      ).rps;
    const pairs: { hello: number; stack: number }[] = [];
    for (let pair = 0; pair < MIDDLEWARE_PAIRS; pair++) {
      pairs.push({ hello: await helloRps(port), stack: await helloRps(stackPort) });
    }
    const pairRatios = pairs.map((p) => p.stack / p.hello);
    const middlewareRatio = percentile(pairRatios, 50);
    const insert = await measured(() =>
      warmAndLoad(
        {
          url: `${url}/insert`,
          connections: settings.connections,
          duration: settings.durationS,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ticketId: randomUUID() }),
        },
        settings.warmupS,
      ),
    );
    details['baseline hello'] = hello;
    details['baseline hello in createServiceApp'] = { ...stack, pairs, pairRatios, middlewareRatio };
    details['baseline insert'] = insert;
    rows.push(
      {
        group: 'baseline',
        scenario: `Express 5 hello JSON (${settings.connections} conn)`,
        value: `${fmt.rps(hello.rps)} · p50 ${fmt.ms(hello.p50)} · p99 ${fmt.ms(hello.p99)}${fmt.cpu(hello)}`,
      },
      {
        group: 'baseline',
        scenario: `the same hello inside the services' createServiceApp (shared middleware)`,
        value: `${fmt.rps(stack.rps)} · p50 ${fmt.ms(stack.p50)} · p99 ${fmt.ms(stack.p99)}${fmt.cpu(stack)}`,
        baseline: `hello ${fmt.rps(hello.rps)}; ratio: median of ${MIDDLEWARE_PAIRS} back-to-back pairs (${pairRatios.map((r) => r.toFixed(2)).join(', ')})`,
        ratio: middlewareRatio,
        goal: `≥ ${MIDDLEWARE_RATIO_GOAL}× hello`,
        met: middlewareRatio >= MIDDLEWARE_RATIO_GOAL,
      },
      {
        group: 'baseline',
        scenario: `Express 5 + one INSERT … RETURNING (pg pool 10, ${settings.connections} conn)`,
        value: `${fmt.rps(insert.rps)} · p50 ${fmt.ms(insert.p50)} · p99 ${fmt.ms(insert.p99)}${fmt.cpu(insert)}`,
      },
    );
    return { hello, insert };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
