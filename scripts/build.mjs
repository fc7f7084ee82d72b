#!/usr/bin/env node
// Builds what is out of date, and only that. The TypeScript workspaces compile in one
// `tsc --build` (project references: common first, then the apps that use it; .tsbuildinfo files
// make an up-to-date project cost a timestamp check). The Next.js client is built only when its
// inputs changed since its last build (a fingerprint kept in .next/). A compiler error stops the
// build with the compiler's message and a non-zero exit code.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/services.mjs';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const say = (line) => console.log(line);

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  return result.status === 0;
}

// 1. TypeScript: every workspace with a tsconfig.build.json, in one build.
const projects = pkg.workspaces
  .map((workspace) => path.join(workspace, 'tsconfig.build.json'))
  .filter((file) => existsSync(path.join(ROOT, file)));
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
if (!run(process.execPath, [tsc, '--build', ...projects])) {
  console.error('build failed (TypeScript, see above)');
  process.exit(1);
}

// 2. The client: next build when its sources, configuration or locked dependencies changed.
const CLIENT = path.join(ROOT, 'client');
// What next build does not read: tests, docs, the image recipe, and its own outputs.
const SKIP = new Set([
  'node_modules',
  '.next',
  'test',
  '__tests__',
  // public/vendor: copied from packages the lock file pins (scripts/copy-vendor.mjs).
  'vendor',
  'coverage',
  'next-env.d.ts',
  'README.md',
  'Dockerfile',
  'jest.config.js',
]);

/**
 * A hash of every file the client's build reads: its own files, the API schemas in common whose
 * types it checks (client/tsconfig.json maps @ticketing/common/api to them), the events' AsyncAPI
 * document (the /docs page), and the lock file.
 */
function clientFingerprint() {
  const hash = createHash('sha256');
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIP.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else hash.update(`${path.relative(CLIENT, file)}\0`).update(readFileSync(file));
    }
  };
  visit(CLIENT);
  visit(path.join(ROOT, 'common', 'src', 'api'));
  hash.update(readFileSync(path.join(ROOT, 'docs', 'asyncapi.json')));
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

if (pkg.workspaces.includes('client') && existsSync(path.join(CLIENT, 'package.json'))) {
  const stamp = path.join(CLIENT, '.next', 'ticketing-build-fingerprint');
  const server = path.join(CLIENT, '.next', 'standalone', 'client', 'server.js');
  const fingerprint = clientFingerprint();
  const upToDate = existsSync(server) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint;
  if (upToDate) {
    say('client is up to date (no changes since its last build)');
  } else {
    if (!run('npm', ['run', 'build', '--silent', '-w', 'client'])) {
      console.error('build failed in client (see above)');
      process.exit(1);
    }
    writeFileSync(stamp, fingerprint);
  }
}
