#!/usr/bin/env node
// Type-checks every TypeScript project (each workspace, plus e2e and bench when present).
// Services resolve @ticketing/common to its sources through tsconfig paths, so no build is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/services.mjs';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const hasSources = (dir) =>
  readdirSync(path.join(ROOT, dir), { recursive: true }).some(
    (file) => /\.tsx?$/.test(file) && !file.includes('node_modules') && !file.startsWith('dist'),
  );
const projects = [...pkg.workspaces, 'e2e', 'bench', 'infra'].filter(
  (dir, index, all) =>
    all.indexOf(dir) === index && existsSync(path.join(ROOT, dir, 'tsconfig.json')) && hasSources(dir),
);
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let failed = false;
for (const project of projects) {
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.json'), '--noEmit'], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (result.status !== 0) failed = true;
}
if (failed) {
  console.error('typecheck failed');
  process.exit(1);
}
console.log(`typecheck passed (${projects.join(', ')})`);
