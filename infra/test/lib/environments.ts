import { readRepoFile } from './repo';

/**
 * The environments of .github/scripts/pipeline.mjs (read from its text: jest runs CommonJS and
 * that file is an ES module), so the tests check what the workflows use.
 */
export interface Environment {
  overlay: string;
  namespace: string;
  inputs: string[];
}

export function readEnvironments(source = readRepoFile('.github/scripts/pipeline.mjs')): Record<string, Environment> {
  const block = /export const ENVIRONMENTS = \{([\s\S]*?)\n\};/.exec(source)?.[1];
  if (!block) throw new Error('.github/scripts/pipeline.mjs has no `export const ENVIRONMENTS = { ... };`');
  const environments: Record<string, Environment> = {};
  for (const match of block.matchAll(
    /(\w+): \{\s*overlay: '([^']+)',\s*namespace: '([^']+)',\s*inputs: \[([^\]]*)\],?\s*\}/g,
  )) {
    environments[match[1] ?? ''] = {
      overlay: match[2] ?? '',
      namespace: match[3] ?? '',
      inputs: [...(match[4] ?? '').matchAll(/'([^']+)'/g)].map((input) => input[1] ?? ''),
    };
  }
  return environments;
}

export const ENVIRONMENTS = readEnvironments();
