// `output: 'standalone'` leaves the browser assets out of .next/standalone (a CDN is expected to
// serve them). Copy them in, so `node .next/standalone/client/server.js` serves a complete app —
// the same command in the Docker image and on a laptop.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const standalone = path.join(app, '.next', 'standalone', path.basename(app));
if (!existsSync(standalone)) {
  console.error(`copy-static: ${standalone} is missing; did next build run with output: 'standalone'?`);
  process.exit(1);
}
cpSync(path.join(app, '.next', 'static'), path.join(standalone, '.next', 'static'), { recursive: true });
if (existsSync(path.join(app, 'public'))) {
  cpSync(path.join(app, 'public'), path.join(standalone, 'public'), { recursive: true });
}
