import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRepoFile, workspaces } from './repo';

/**
 * What a clean clone hands `npm ci`: the root manifest, the lock file and every workspace's
 * package.json (npm ci checks the whole lock against all of them), as path → text.
 */
export function installInputs(read = readRepoFile): Map<string, string> {
  const files = new Map<string, string>([
    ['package.json', read('package.json')],
    ['package-lock.json', read('package-lock.json')],
  ]);
  for (const workspace of workspaces()) files.set(`${workspace}/package.json`, read(`${workspace}/package.json`));
  return files;
}

/**
 * Runs `npm ci --dry-run` on those files alone, in an empty directory: npm compares the lock with
 * the manifests and plans the install without installing anything. To name a version the lock
 * gets wrong, npm reads that package's metadata: from its cache when it has it, otherwise from
 * the registry (`--offline` would fail with ENOTCACHED on a machine whose cache lacks it).
 * Returns npm's complaint, or undefined when it accepts the lock.
 */
export function npmCiRejection(files: Map<string, string>): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'npm-ci-'));
  try {
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const result = spawnSync(
      'npm',
      ['ci', '--dry-run', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (result.status === 0) return undefined;
    const lines = `${result.stderr}${result.stdout}`
      .split('\n')
      .map((line) => line.replace(/^npm error ?/, '').trim())
      .filter((line) => /^(Missing|Invalid|`npm ci`)/.test(line));
    return lines.join('\n') || `npm ci --dry-run exited with ${result.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
