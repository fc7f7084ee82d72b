// The API documentation page (/docs) renders the OpenAPI documents with Swagger UI and the
// AsyncAPI document with AsyncAPI's React component. Both ship as prebuilt browser bundles in
// their npm packages; they are copied into public/vendor/ (not committed) so the app serves them
// itself — nothing is loaded from another host — and next build need not bundle them again.
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(app, 'package.json'));
const packageDir = (name) => path.dirname(require.resolve(`${name}/package.json`));
const vendor = path.join(app, 'public', 'vendor');
mkdirSync(vendor, { recursive: true });

const swaggerUi = packageDir('swagger-ui-dist');
const asyncApi = packageDir('@asyncapi/react-component');
const files = [
  [path.join(swaggerUi, 'swagger-ui-bundle.js'), 'swagger-ui-bundle.js'],
  [path.join(swaggerUi, 'swagger-ui.css'), 'swagger-ui.css'],
  [path.join(swaggerUi, 'LICENSE'), 'swagger-ui.LICENSE.txt'],
  [path.join(asyncApi, 'browser', 'standalone', 'index.js'), 'asyncapi-standalone.js'],
  [path.join(asyncApi, 'styles', 'default.min.css'), 'asyncapi.css'],
  [path.join(asyncApi, 'LICENSE'), 'asyncapi.LICENSE.txt'],
];
for (const [from, to] of files) cpSync(from, path.join(vendor, to));
