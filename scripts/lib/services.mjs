// The platform's parts, in start-up order, and the public paths the gateway routes to them.
// infra/k8s uses the same paths for its Ingress; keep the two in step.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every app of the platform; `route` is the path prefix the gateway and the Ingress send to it. */
export const APPS = [
  { name: 'auth', route: '/api/users' },
  { name: 'tickets', route: '/api/tickets' },
  { name: 'orders', route: '/api/orders' },
  { name: 'payments', route: '/api/payments' },
  { name: 'passes', route: '/api/passes' },
  { name: 'expiration', route: null },
  { name: 'client', route: '/' },
];

/** The apps present in this checkout (a workspace with a package.json). */
export function presentApps() {
  return APPS.filter((app) => existsSync(path.join(ROOT, app.name, 'package.json')));
}
