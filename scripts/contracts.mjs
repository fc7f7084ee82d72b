// `npm run contracts`: writes the event catalog's AsyncAPI document, generated from the contracts
// in common, to docs/asyncapi.json (npm test fails while the committed file differs from it);
// `npm run contracts` then formats it as the repository's formatter does.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncApiDocumentJson } from '@ticketing/common';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(ROOT, 'docs', 'asyncapi.json');
writeFileSync(file, asyncApiDocumentJson());
process.stdout.write(`wrote ${path.relative(ROOT, file)}\n`);
