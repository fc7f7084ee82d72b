import { APP_NAMES } from './repo';

/**
 * The error codes the APIs answer with and the README's "Error codes" section, checked against
 * each other: a code a service can answer is documented, and a documented code is still answered.
 * The codes are read from the sources' text, where they are written as literals.
 */

export interface SourceFile {
  path: string;
  text: string;
}

/**
 * Where the codes are written: every service of scripts/lib/services.mjs (a new one is read as
 * soon as the gateway lists it), common's error classes and HTTP layer, and the rules of common's
 * API declarations (`params: { code }` on a zod refinement).
 */
export const ERROR_CODE_SOURCES = [
  ...APP_NAMES.filter((app) => app !== 'client').map((app) => `${app}/src`),
  'common/src/api',
  'common/src/errors',
  'common/src/http',
];

const CODE = `'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)'`;

/** The ways a code is written: an option, an argument after the message, a default, a constant. */
const CODE_PATTERNS = [
  new RegExp(String.raw`\bcode:\s*${CODE}`, 'g'),
  new RegExp(String.raw`new \w+Error\(\s*(?:'[^']*'|"[^"]*"|\`[^\`]*\`|[\w.]+(?:\([^()]*\))?)\s*,\s*${CODE}`, 'g'),
  new RegExp(String.raw`\bsuper\(\s*(?:'[^']*'|"[^"]*"|\`[^\`]*\`)\s*,\s*${CODE}`, 'g'),
  new RegExp(String.raw`\bcode = ${CODE}`, 'g'),
  new RegExp(String.raw`\?\? ${CODE}`, 'g'),
  new RegExp(String.raw`\? ${CODE} : ${CODE}`, 'g'),
];
/** Constants that hold a code, in common only (elsewhere such constants name streams or variables). */
const CODE_CONSTANT = new RegExp(`export const [A-Z_]+ = ${CODE};`, 'g');

/** Every code written in `files` (tests excluded), with the files that write it. */
export function codesInSources(files: SourceFile[]): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  for (const file of files) {
    if (file.path.includes('__tests__') || !file.path.endsWith('.ts')) continue;
    const patterns = file.path.startsWith('common/') ? [...CODE_PATTERNS, CODE_CONSTANT] : CODE_PATTERNS;
    for (const pattern of patterns) {
      for (const match of file.text.matchAll(pattern)) {
        for (const code of match.slice(1)) {
          if (code) codes.set(code, [...new Set([...(codes.get(code) ?? []), file.path])]);
        }
      }
    }
  }
  return codes;
}

/** The README's "### Error codes" section: its text, its code table and the codes its endpoint table names. */
export function documentedCodes(readme: string): {
  section: string;
  table: Map<string, number>;
  byEndpoints: Set<string>;
} {
  const start = readme.indexOf('\n### Error codes\n');
  if (start === -1) return { section: '', table: new Map(), byEndpoints: new Set() };
  const rest = readme.slice(start + 1);
  const end = rest.slice(1).search(/\n#{2,3} /);
  const section = end === -1 ? rest : rest.slice(0, end + 1);
  const table = new Map<string, number>();
  for (const match of section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\| (\d{3}) +\|/gm)) {
    table.set(match[1] ?? '', Number(match[2]));
  }
  const byEndpoints = new Set<string>();
  for (const row of section.match(/^\| (?:every endpoint|`(?:GET|POST|PUT|PATCH|DELETE) [^`]+`) .*$/gm) ?? []) {
    for (const match of row.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) byEndpoints.add(match[1] ?? '');
  }
  return { section, table, byEndpoints };
}

/** What disagrees between the sources' codes and the README's section, one sentence each. */
export function errorCodeProblems(files: SourceFile[], readme: string): string[] {
  const used = codesInSources(files);
  const { section, table, byEndpoints } = documentedCodes(readme);
  if (section === '') return ['README.md has no "### Error codes" section'];
  const problems: string[] = [];
  for (const [code, where] of used) {
    if (!section.includes(`\`${code}\``))
      problems.push(`${where.join(', ')}: ${code} is not in the README's error codes`);
  }
  for (const code of table.keys()) {
    if (!used.has(code)) problems.push(`README.md: ${code} is listed, but no source answers it`);
    if (!byEndpoints.has(code)) problems.push(`README.md: ${code} is listed, but no endpoint row names it`);
  }
  for (const code of byEndpoints) {
    if (!table.has(code)) problems.push(`README.md: an endpoint row names ${code}, which has no row of its own`);
  }
  return problems;
}

/** The `<status> <CODE>` pairs of an endpoint row: "400 `A`, `B` · 401 `C`" → 400 A, 400 B, 401 C. */
export function endpointCodes(row: string): string[] {
  const cells = row.split('|');
  const codes = cells[2] ?? '';
  return [...codes.matchAll(/(\d{3})((?: `[A-Z][A-Z0-9_]*`,?)+)/g)].flatMap(([, status, list]) =>
    [...(list ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, code]) => `${status} ${code}`),
  );
}
