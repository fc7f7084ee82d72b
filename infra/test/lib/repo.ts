import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export const readRepoFile = (relative: string): string => readFileSync(path.join(ROOT, relative), 'utf8');

export const repoPathExists = (relative: string): boolean => existsSync(path.join(ROOT, relative));

/** Every file under `relative` (recursively), as repository-relative paths. */
export function listRepoFiles(relative: string): string[] {
  const dir = path.join(ROOT, relative);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .sort();
}

export interface GatewayApp {
  name: string;
  /** The path prefixes the gateway and the Ingress route to the app; none when it has no public API. */
  routes: string[];
}

/**
 * `APPS` of scripts/lib/services.mjs, read from the file's text: jest runs these tests as
 * CommonJS, and that file is an ES module.
 */
export function gatewayApps(source = readRepoFile('scripts/lib/services.mjs')): GatewayApp[] {
  const block = /export const APPS = \[([\s\S]*?)\];/.exec(source)?.[1];
  if (!block) throw new Error('scripts/lib/services.mjs has no `export const APPS = [ ... ];`');
  const apps = [...block.matchAll(/\{\s*name:\s*'([\w-]+)',\s*routes:\s*\[([^\]]*)\]\s*\}/g)].map((match) => ({
    name: match[1] ?? '',
    routes: [...(match[2] ?? '').matchAll(/'([^']*)'/g)].map((route) => route[1] ?? ''),
  }));
  const entries = block.match(/\{[^}]*\}/g) ?? [];
  if (apps.length === 0 || apps.length !== entries.length) {
    throw new Error(`scripts/lib/services.mjs: could not read every APPS entry (${apps.length} of ${entries.length})`);
  }
  return apps;
}

/** The six deployable apps, in the gateway's order. */
export const APP_NAMES = gatewayApps().map((app) => app.name);

/** The npm workspaces of the root package.json. */
export function workspaces(): string[] {
  const manifest = JSON.parse(readRepoFile('package.json')) as { workspaces?: string[] };
  return manifest.workspaces ?? [];
}
