import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PLATFORM_ROOT, startPlatform, TMP } from '../lib/platform';
import type { Row } from '../lib/report';
import { footprintScenario } from './footprint';

export const FRESH_CLONE_GOAL_MS = 75_000;

/**
 * What a new user waits for: a `git clone` of the committed checkout, then the launcher in it
 * with nothing prepared — npm install (from the npm cache this machine already has), the build,
 * the PostgreSQL cluster's initdb, every part up.
 */
export async function freshCloneScenario(jwtKey: string, rows: Row[], details: Record<string, unknown>) {
  const clone = mkdtempSync(path.join(TMP, 'clone-'));
  // A checkout PostgreSQL's unprivileged user can pass through, as an ordinary clone is (mkdtemp makes 0700).
  chmodSync(clone, 0o755);
  try {
    execFileSync('git', ['clone', '-q', PLATFORM_ROOT, clone]);
    const dataDir = path.join(clone, '.data');
    mkdirSync(dataDir);
    const platform = await startPlatform({ root: clone, dataDir, prepare: true, jwtKey, timeoutMs: 900_000 });
    try {
      await footprintScenario(platform, 'fresh clone', rows, details, {
        rss: false,
        goalMs: FRESH_CLONE_GOAL_MS,
        what: 'npm start (install, build, start)',
      });
    } finally {
      await platform.stop();
    }
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}
