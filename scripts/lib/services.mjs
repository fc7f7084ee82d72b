// The platform's parts, in start-up order, and the public paths the gateway routes to them.
// infra/k8s uses the same paths for its Ingress; keep the two in step.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Every app of the platform; `routes` are the path prefixes the gateway and the Ingress send to it
 * (none: no public API). tickets also serves the event catalog.
 */
export const APPS = [
  { name: 'auth', routes: ['/api/users'] },
  { name: 'tickets', routes: ['/api/tickets', '/api/events'] },
  { name: 'orders', routes: ['/api/orders'] },
  { name: 'payments', routes: ['/api/payments'] },
  { name: 'passes', routes: ['/api/passes'] },
  { name: 'expiration', routes: [] },
  { name: 'client', routes: ['/'] },
];

/** The apps present in this checkout (a workspace with a package.json). */
export function presentApps() {
  return APPS.filter((app) => existsSync(path.join(ROOT, app.name, 'package.json')));
}
