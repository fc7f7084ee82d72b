#!/usr/bin/env node
// Compiles the workspaces in dependency order: common, then every app that has a build script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/services.mjs';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const workspaces = ['common', ...pkg.workspaces.filter((name) => name !== 'common')];
const only = process.argv.includes('--common-only') ? ['common'] : workspaces;

for (const workspace of only) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, workspace, 'package.json'), 'utf8'));
  if (!manifest.scripts?.build) continue;
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', workspace], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) {
    console.error(`build failed in ${workspace}`);
    process.exit(result.status ?? 1);
  }
}
