// `npm run bench`: load figures of the whole platform, each next to a baseline measured in the
// same run on the same machine. Prints a table and writes bench/results/<date>.json and
// bench/results/latest.json. See the README's "Benchmarks" section.
//
//   npm run bench                          everything (about 5 minutes)
//   npm run bench -- --only=reads,writes   some scenarios (footprint clone baselines reads writes drop propagation scans expiry)
//   npm run bench -- --duration=10         seconds of measured load per scenario (default 6)
//   npm run bench -- --profile             CPU profile of every service (bench/.tmp/profiles/<run>/), then
//                                          npx tsx bench/profile-summary.ts <file>
//
// The platform runs as `npm start` runs it: with the PostgreSQL server the launcher starts from
// npm. DATABASE_URL=postgres://… runs it on that server instead (databases named bench_<run>_*,
// dropped afterwards).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { platformContext, type Settings } from './lib/context';
import { ensureBuilt, PLATFORM_ROOT, ROOT, startPlatform, TMP } from './lib/platform';
import { describeMachine, type Row, renderTable, writeResults } from './lib/report';
import { type Baselines, baselinesScenario } from './scenarios/baselines';
import { dropScenario } from './scenarios/drop';
import { expiryScenario } from './scenarios/expiry';
import { footprintScenario, SECOND_START_GOAL_MS } from './scenarios/footprint';
import { freshCloneScenario } from './scenarios/fresh-clone';
import { propagationProbe, propagationScenario } from './scenarios/propagation';
import { readsScenario } from './scenarios/reads';
import { scansScenario } from './scenarios/scans';
import { throughputRows } from './scenarios/throughput';
import { writesScenario } from './scenarios/writes';

const SCENARIOS = [
  'footprint',
  'clone',
  'baselines',
  'reads',
  'writes',
  'drop',
  'propagation',
  'scans',
  'expiry',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const JWT_KEY = 'bench-signing-key-not-a-secret-0123456789';
/** The reservation window of the expiry platform: short, so the timer fires during the run. */
const EXPIRY_WINDOW_SECONDS = 2;

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : (arg.split('=')[1] ?? '');
}

const only = option('only');
const selected = new Set<Scenario>(
  only ? (only.split(',').filter((s) => (SCENARIOS as readonly string[]).includes(s)) as Scenario[]) : SCENARIOS,
);
if (only && selected.size === 0) {
  console.error(`--only takes a comma-separated list of: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const settings: Settings = { durationS: Number(option('duration') ?? 6), warmupS: 1, connections: 50 };
const profileDir = option('profile') === undefined ? undefined : path.join(TMP, 'profiles', String(Date.now()));

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp() {
  while (cleanups.length > 0) await cleanups.pop()!().catch((error) => console.error(error));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping …`);
    void cleanUp().then(() => process.exit(130));
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  ensureBuilt();
  mkdirSync(TMP, { recursive: true });
  const started = performance.now();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};

  const external = process.env.DATABASE_URL;
  const runId = `bench_${Date.now().toString(36)}`;
  /** Runs `fn` on a connection to `serverUrl` that is closed afterwards (the server may stop later). */
  const onConnection = async <T>(serverUrl: string, fn: (client: Client) => Promise<T>) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  if (external) {
    cleanups.push(() =>
      onConnection(external, async (client) => {
        const { rows: dbs } = await client.query<{ datname: string }>(
          'select datname from pg_database where datname like $1',
          [`${runId}_%`],
        );
        for (const { datname } of dbs) await client.query(`drop database "${datname}" with (force)`);
      }),
    );
  }
  /** A new database `<run>_<suffix>` on the server whose maintenance database is `serverUrl`. */
  const databaseUrl = async (serverUrl: string, suffix: string) => {
    const name = `${runId}_${suffix}`;
    await onConnection(serverUrl, (client) => client.query(`create database "${name}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  /** The database option of a platform: the given server (a database of its own), or none (the launcher's). */
  const onServer = async (suffix: string) => (external ? { databaseUrl: await databaseUrl(external, suffix) } : {});
  let machine: ReturnType<typeof describeMachine> | undefined;
  const describe = async (serverUrl: string) => {
    if (machine) return;
    const { rows: version } = await onConnection(serverUrl, (client) =>
      client.query<{ server_version: string }>('show server_version'),
    );
    machine = describeMachine(`PostgreSQL ${version[0]!.server_version}`);
    log(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  };

  // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preload records the profile instead.
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const profileEnv: Record<string, string> = profileDir
    ? {
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'lib', 'cpu-profile.cjs')}`.trim(),
        BENCH_PROFILE_DIR: profileDir,
      }
    : {};
  const launch = async (label: string, options: Parameters<typeof startPlatform>[0]) => {
    log(`▶ starting the platform (${label}) …`);
    const platform = await startPlatform(options).catch((error: Error) => {
      // The launcher picks free ports before the apps bind them; on a busy machine another
      // process can take one in between. One retry, and say so.
      if (!/EADDRINUSE/.test(error.message)) throw error;
      log('  a port was taken between its pick and its use (EADDRINUSE); starting again');
      return startPlatform(options);
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await platform.stop();
    };
    cleanups.push(stop);
    log(`  up in ${(platform.startupMs / 1000).toFixed(1)} s`);
    return { platform, stop };
  };
  const step = async (name: string, fn: () => Promise<unknown>) => {
    log(`▶ ${name} …`);
    const at = performance.now();
    await fn();
    log(`  done in ${((performance.now() - at) / 1000).toFixed(1)} s`);
  };

  // 1. `npm start` as a user runs it, on a machine not yet busy with the other scenarios: the
  //    first start on fresh data (initdb of the PostgreSQL cluster), a restart on that data, and
  //    `npm start` again with nothing changed (its dependency and build checks included).
  if (selected.has('footprint')) {
    const first = await launch('default, as npm start, fresh data', { jwtKey: JWT_KEY, env: profileEnv });
    await describe(first.platform.databaseUrl('postgres'));
    await step('footprint', () => footprintScenario(first.platform, 'fresh .data', rows, details, { rss: true }));
    await first.platform.stop({ keepData: true });
    const again = await launch('restart', { jwtKey: JWT_KEY, env: profileEnv, dataDir: first.platform.dataDir });
    await footprintScenario(again.platform, 'restart', rows, details, { rss: false });
    await again.platform.stop({ keepData: true });
    const prepared = await launch('npm start, nothing changed', {
      jwtKey: JWT_KEY,
      env: profileEnv,
      dataDir: first.platform.dataDir,
      prepare: true,
    });
    await footprintScenario(prepared.platform, 'second start, nothing changed', rows, details, {
      rss: false,
      goalMs: SECOND_START_GOAL_MS,
      what: 'npm start',
    });
    await prepared.stop();
  }
  if (selected.has('clone')) await step('fresh clone', () => freshCloneScenario(JWT_KEY, rows, details));

  // 2. The platform as npm start runs it (or on DATABASE_URL's server): the baselines on its
  //    PostgreSQL server, then reads, event propagation, writes, the ticket drop.
  const onPlatform: Scenario[] = ['baselines', 'reads', 'propagation', 'writes', 'drop', 'scans'];
  if (onPlatform.some((s) => selected.has(s))) {
    const { platform, stop } = await launch(external ? 'DATABASE_URL' : 'default', {
      jwtKey: JWT_KEY,
      env: profileEnv,
      ...(await onServer('main')),
    });
    const serverUrl = external ?? platform.databaseUrl('postgres');
    await describe(serverUrl);
    let baselines: Baselines | undefined;
    if (selected.has('baselines') || selected.has('reads') || selected.has('writes')) {
      await step('baselines', async () => {
        baselines = await baselinesScenario(await databaseUrl(serverUrl, 'baseline'), settings, rows, details);
      });
    }
    const ctx = await platformContext(platform, JWT_KEY, settings, rows, details);
    cleanups.push(() => ctx.close());
    if (selected.has('reads')) await step('reads', () => readsScenario(ctx, baselines!.hello));
    if (selected.has('propagation')) await step('event propagation', () => propagationScenario(ctx));
    if (selected.has('writes')) {
      await step('writes (and event propagation under that load)', async () => {
        const probe = await propagationProbe(ctx);
        await writesScenario(ctx, baselines!.insert, {
          during: () => propagationScenario(ctx, { probe, underLoad: true }),
        });
      });
    }
    if (selected.has('drop')) {
      await step('ticket drop', async () => {
        await ctx.settle();
        await dropScenario(ctx);
      });
    }
    if (selected.has('scans')) {
      await step('check-in scans', async () => {
        await ctx.settle();
        await scansScenario(ctx);
      });
    }
    if (baselines) rows.push(...throughputRows(details, baselines.insert));
    await ctx.close();
    await stop();
  }

  // 4. Expiry needs orders with a short reservation window and the sweep off: a platform of its own.
  if (selected.has('expiry')) {
    const { platform, stop } = await launch(`${EXPIRY_WINDOW_SECONDS} s reservations, sweep off`, {
      jwtKey: JWT_KEY,
      ...(await onServer('expiry')),
      env: { ...profileEnv, EXPIRATION_WINDOW_SECONDS: String(EXPIRY_WINDOW_SECONDS), SWEEP_INTERVAL_SECONDS: '0' },
    });
    await describe(external ?? platform.databaseUrl('postgres'));
    const ctx = await platformContext(platform, JWT_KEY, settings, rows, details);
    cleanups.push(() => ctx.close());
    await step('expiry precision', () => expiryScenario(ctx));
    await step('expiry precision under the reservation load', () => expiryScenario(ctx, { underLoad: true }));
    await ctx.close();
    await stop();
  }

  await cleanUp();
  machine ??= describeMachine('PostgreSQL (not queried)');
  const order = ['footprint', 'baseline', 'reads', 'writes', 'drop', 'throughput', 'events', 'expiry'];
  rows.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
  const table = renderTable(rows);
  const results = {
    date: new Date().toISOString(),
    machine,
    settings: { ...settings, scenarios: [...selected], expiryWindowSeconds: EXPIRY_WINDOW_SECONDS },
    elapsedS: Math.round((performance.now() - started) / 1000),
    goalsMissed: rows.filter((row) => row.met === false).map((row) => row.scenario),
    rows,
    details,
  };
  // bench/results keeps full runs of this checkout; partial runs and other checkouts go to bench/.tmp.
  const official = !only && PLATFORM_ROOT === ROOT;
  const file = writeResults(official ? path.join(ROOT, 'bench', 'results') : path.join(TMP, 'results', runId), {
    ...results,
    platformRoot: PLATFORM_ROOT,
  });
  console.log(`\n${table}\n`);
  console.log(
    `Machine: ${machine.cpuModel} · ${machine.cores} cores · ${machine.memoryGiB} GiB · Node ${machine.node} · ${machine.postgres} · load average ${machine.loadAverageAtStart} at start`,
  );
  console.log(`Results: ${path.relative(ROOT, file)} (and latest.json) · ${results.elapsedS} s`);
  if (profileDir) console.log(`CPU profiles: ${path.relative(ROOT, profileDir)}`);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanUp();
    process.exit(1);
  },
);
