import type { BenchPlatform } from '../lib/platform';
import { fmt, type Row } from '../lib/report';
import { sleep } from '../lib/util';

export const STARTUP_GOAL_MS = 15_000;

/**
 * How long the launcher takes from spawn to "Ticketing is up" (every /readyz answered), and the
 * resident memory of each process once it has idled for `idleMs`.
 */
export async function footprintScenario(
  platform: BenchPlatform,
  label: string,
  rows: Row[],
  details: Record<string, unknown>,
  { idleMs = 3000, rss: measureRss = true } = {},
): Promise<void> {
  // What the launcher printed: "✓ <part> ready (<elapsed>)" for each part.
  const ready: Record<string, number> = Object.fromEntries(
    [...platform.output().matchAll(/✓ (\S+) ready[^(]*\(([\d.]+) s\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
  details[`startup ${label}`] = { startupMs: platform.startupMs, readyAtS: ready };
  rows.push({
    group: 'footprint',
    scenario: `npm start --no-build → all ready (${label})`,
    value: `${(platform.startupMs / 1000).toFixed(1)} s (last ready: ${slowest(ready)})`,
    goal: `≤ ${STARTUP_GOAL_MS / 1000} s`,
    met: platform.startupMs <= STARTUP_GOAL_MS,
  });
  if (!measureRss) return;
  await sleep(idleMs);
  const rss = platform.rss();
  const totalKb = Object.values(rss).reduce((sum, kb) => sum + kb, 0);
  details[`idle rss ${label}`] = { rssKb: rss, totalRssKb: totalKb };
  rows.push({
    group: 'footprint',
    scenario: `idle RSS, MiB (${label})`,
    value: `${fmt.mib(totalKb)}: ${Object.entries(rss)
      .sort((a, b) => b[1] - a[1])
      .map(([name, kb]) => `${name} ${Math.round(kb / 1024)}`)
      .join(' · ')}`,
  });
}

function slowest(ready: Record<string, number>): string {
  const [name, at] = Object.entries(ready).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  return `${name} at ${at} s`;
}
