import type { BenchPlatform } from '../lib/platform';
import { fmt, type Row } from '../lib/report';
import { sleep } from '../lib/util';

export const STARTUP_GOAL_MS = 15_000;
/** `npm start` again with nothing changed: the build check, then the platform up. */
export const SECOND_START_GOAL_MS = 10_000;
export const IDLE_RSS_GOAL_MIB = 750;

/**
 * Idle means settled: each service's database pool keeps the connections its start-up opened
 * until they have been unused for 10 s (node-postgres' idleTimeoutMillis), and every connection
 * is a PostgreSQL process. Measured 3 s after start, the figure depended on how many of those
 * the start happened to open at once (more on a busy machine).
 */
const IDLE_MS = 12_000;

/**
 * How long the launcher takes from spawn to "Ticketing is up" (every /readyz answered), and the
 * resident memory of every process it started once the platform has idled for `idleMs`.
 */
export async function footprintScenario(
  platform: BenchPlatform,
  label: string,
  rows: Row[],
  details: Record<string, unknown>,
  { idleMs = IDLE_MS, rss: measureRss = true, goalMs = STARTUP_GOAL_MS, what = 'npm start --no-build' } = {},
): Promise<void> {
  // What the launcher printed: "✓ <part> ready (<elapsed>)" for each part.
  const ready: Record<string, number> = Object.fromEntries(
    [...platform.output().matchAll(/✓ (\S+) ready[^(]*\(([\d.]+) s\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
  details[`startup ${label}`] = { startupMs: platform.startupMs, readyAtS: ready };
  rows.push({
    group: 'footprint',
    scenario: `${what} → all ready (${label})`,
    value: `${(platform.startupMs / 1000).toFixed(1)} s (last ready: ${slowest(ready)})`,
    goal: `≤ ${goalMs / 1000} s`,
    met: platform.startupMs <= goalMs,
  });
  if (!measureRss) return;
  await sleep(idleMs);
  const rss = platform.rss();
  const totalKb = Object.values(rss).reduce((sum, kb) => sum + kb, 0);
  // PostgreSQL is a postmaster and a process per connection and background worker: one line.
  const byPart = new Map<string, { kb: number; processes: number }>();
  for (const [name, kb] of Object.entries(rss)) {
    const part = name.split('#')[0]!;
    const entry = byPart.get(part) ?? { kb: 0, processes: 0 };
    byPart.set(part, { kb: entry.kb + kb, processes: entry.processes + 1 });
  }
  details[`idle rss ${label}`] = { rssKb: rss, totalRssKb: totalKb };
  rows.push({
    group: 'footprint',
    scenario: `idle RSS of every process after ${idleMs / 1000} s, MiB (${label})`,
    value: `${fmt.mib(totalKb)}: ${[...byPart]
      .sort((a, b) => b[1].kb - a[1].kb)
      .map(([name, { kb, processes }]) => `${name}${processes > 1 ? ` ×${processes}` : ''} ${Math.round(kb / 1024)}`)
      .join(' · ')}`,
    goal: `≤ ${IDLE_RSS_GOAL_MIB} MiB`,
    met: totalKb / 1024 <= IDLE_RSS_GOAL_MIB,
  });
}

function slowest(ready: Record<string, number>): string {
  const [name, at] = Object.entries(ready).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  return `${name} at ${at} s`;
}
