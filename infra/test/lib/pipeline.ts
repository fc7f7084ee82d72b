import { parse } from 'yaml';
import { isDigestPinned, mutableImageProblem, nodeBaseImageProblem } from './images';
import type { K8sObject } from './kustomize';

/**
 * The delivery pipeline's rules, checked offline: actions pinned to full commit SHAs, nothing
 * pushes or deploys without the CI gate, every environment runs image digests, Node 24+.
 * Each check takes its inputs as values, so a test can hand it a deliberately broken copy.
 */

export interface WorkflowFile {
  path: string;
  text: string;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}
interface Job {
  'continue-on-error'?: unknown;
  uses?: string;
  needs?: string | string[];
  if?: string;
  steps?: Step[];
  container?: string | { image?: string };
  environment?: unknown;
}
export interface Workflow {
  on?: Record<string, unknown> | string | string[];
  jobs?: Record<string, Job>;
}

export const loadWorkflow = (text: string): Workflow => (parse(text) as Workflow | null) ?? {};

const triggers = (workflow: Workflow): string[] =>
  typeof workflow.on === 'string'
    ? [workflow.on]
    : Array.isArray(workflow.on)
      ? workflow.on
      : Object.keys(workflow.on ?? {});

const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

// ---------------------------------------------------------------------------------------------
// Pinned actions

const PIN = /^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(?:#\s*(\S+))?\s*$/;

/** Every `uses:` of a workflow, as written, with its line and trailing comment. */
export function usesLines(text: string): { line: number; ref: string; comment?: string }[] {
  return text.split('\n').flatMap((line, index) => {
    const match = PIN.exec(line);
    return match ? [{ line: index + 1, ref: match[1] ?? '', comment: match[2] }] : [];
  });
}

/** The oldest trivy-action release to use: its older tags were replaced after the March 2026 compromise. */
export const MIN_TRIVY_ACTION = [0, 35, 0] as const;

const versionAtLeast = (version: number[], minimum: readonly number[]) => {
  for (let index = 0; index < minimum.length; index += 1) {
    const a = version[index] ?? 0;
    const b = minimum[index] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
};

/**
 * `owner/repo@<40 hex> # vX.Y.Z` for every action (a tag can be moved to other code; a commit
 * cannot), local `./` workflows and actions excepted; one commit per action across all files,
 * so the comment and the SHA cannot drift apart between workflows.
 */
export function pinProblems(files: WorkflowFile[]): string[] {
  const problems: string[] = [];
  const pinned = new Map<string, { sha: string; version: string; where: string }>();
  for (const file of files) {
    for (const { line, ref, comment } of usesLines(file.text)) {
      if (ref.startsWith('./')) continue;
      const where = `${file.path}:${line}`;
      const match = /^([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40})$/.exec(ref);
      if (!match) {
        problems.push(`${where}: ${ref} is not pinned to a full commit SHA`);
        continue;
      }
      const version = /^v(\d+)\.(\d+)\.(\d+)$/.exec(comment ?? '');
      if (!version) {
        problems.push(`${where}: ${ref} has no "# vX.Y.Z" comment naming the release of that commit`);
        continue;
      }
      const action = (match[1] ?? '').toLowerCase();
      const sha = match[2] ?? '';
      const numbers = version.slice(1, 4).map(Number);
      if (action === 'aquasecurity/trivy-action' && !versionAtLeast(numbers, MIN_TRIVY_ACTION)) {
        problems.push(`${where}: aquasecurity/trivy-action ${comment} is older than v${MIN_TRIVY_ACTION.join('.')}`);
      }
      const seen = pinned.get(action);
      if (!seen) pinned.set(action, { sha, version: comment ?? '', where });
      else if (seen.sha !== sha || seen.version !== comment) {
        problems.push(
          `${where}: ${action} is pinned to ${sha} (${comment}), but to ${seen.sha} (${seen.version}) at ${seen.where}`,
        );
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The CI gate

/** The workflow every deploy depends on, and the job in it that stands for "every check passed". */
export const CI_WORKFLOW = '.github/workflows/ci.yml';
export const GATE_JOB = 'checks';
/** The check jobs the gate must wait for. */
export const CHECK_JOBS = ['changes', 'lint', 'typecheck', 'infrastructure', 'test', 'audit', 'image'];
/**
 * The checks that run for every commit: the gate counts a skipped job as passed, so a condition
 * on one of these would let a commit through unchecked. (`image` runs only when an app changed.)
 */
export const UNCONDITIONAL_CHECKS = CHECK_JOBS.filter((job) => job !== 'image');

const PUBLISHING_ACTIONS = ['docker/login-action', 'digitalocean/action-doctl', 'actions/attest'];
const PUBLISHING_COMMAND =
  /\b(kubectl\s+(apply|set\s+image|rollout\s+undo|delete|patch|scale)|docker\s+push|npm\s+publish|git\s+push|terraform\s+apply)\b/;

const actionOf = (uses = '') => uses.split('@')[0]?.toLowerCase() ?? '';

/** What in a job can push an image, publish a package, commit to main or change a cluster. */
function publishingSteps(job: Job): string[] {
  return (job.steps ?? []).flatMap((step) => {
    if (PUBLISHING_ACTIONS.includes(actionOf(step.uses))) return [actionOf(step.uses)];
    if (actionOf(step.uses) === 'docker/build-push-action' && step.with?.push === true)
      return ['docker/build-push-action push: true'];
    const command = PUBLISHING_COMMAND.exec(step.run ?? '');
    return command ? [command[0].replace(/\s+/g, ' ')] : [];
  });
}

/**
 * Nothing publishes or deploys for a commit whose CI failed:
 * - a workflow that publishes runs only as a reusable workflow (`on: workflow_call`) or on the
 *   completion of ci (`workflow_run`) with each publishing job requiring its success;
 * - ci.yml's gate job waits for every check and fails when one failed or was cancelled;
 * - in ci.yml, every job that publishes or calls a workflow needs the gate and requires its success;
 * - a reusable workflow that publishes is called only from ci.yml (or from another reusable one).
 */
export function gateProblems(files: WorkflowFile[]): string[] {
  const problems: string[] = [];
  const workflows = new Map(files.map((file) => [file.path, loadWorkflow(file.text)]));
  const publishes = new Map<string, boolean>();
  const reusablePublishes = (path: string, seen = new Set<string>()): boolean => {
    if (publishes.has(path)) return publishes.get(path) ?? false;
    if (seen.has(path)) return false;
    seen.add(path);
    const workflow = workflows.get(path);
    const result = Object.values(workflow?.jobs ?? {}).some(
      (job) =>
        publishingSteps(job).length > 0 ||
        (job.uses?.startsWith('./') === true && reusablePublishes(job.uses.replace(/^\.\//, ''), seen)),
    );
    publishes.set(path, result);
    return result;
  };

  for (const [path, workflow] of workflows) {
    const on = triggers(workflow);
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const calls = job.uses?.startsWith('./') ? job.uses.replace(/^\.\//, '') : undefined;
      const what = [...publishingSteps(job), ...(calls && reusablePublishes(calls) ? [`calls ${calls}`] : [])];
      if (what.length === 0) continue;
      const at = `${path}: job ${name} (${what.join(', ')})`;
      if (on.length === 1 && on[0] === 'workflow_call') continue;
      if (path === CI_WORKFLOW) {
        if (
          !needsOf(job).includes(GATE_JOB) ||
          !new RegExp(`needs\\.${GATE_JOB}\\.result == 'success'`).test(job.if ?? '')
        ) {
          problems.push(`${at} runs without needing ${GATE_JOB} and requiring needs.${GATE_JOB}.result == 'success'`);
        }
        continue;
      }
      if (on.length === 1 && on[0] === 'workflow_run') {
        const runOn = (workflow.on as Record<string, { workflows?: string[] }>).workflow_run;
        if (
          !runOn?.workflows?.includes('ci') ||
          !/github\.event\.workflow_run\.conclusion == 'success'/.test(job.if ?? '')
        ) {
          problems.push(`${at} runs on workflow_run without requiring ci's conclusion == 'success'`);
        }
        continue;
      }
      problems.push(
        `${at} runs on ${on.join(', ')}, not only after ci passed (workflow_call from ci.yml, or workflow_run)`,
      );
    }
  }

  const ci = workflows.get(CI_WORKFLOW);
  const gate = ci?.jobs?.[GATE_JOB];
  if (!gate) problems.push(`${CI_WORKFLOW}: no ${GATE_JOB} job`);
  else {
    const missing = CHECK_JOBS.filter((check) => !needsOf(gate).includes(check));
    if (missing.length) problems.push(`${CI_WORKFLOW}: ${GATE_JOB} does not wait for ${missing.join(', ')}`);
    for (const check of CHECK_JOBS) {
      const job = ci?.jobs?.[check];
      if (!job) problems.push(`${CI_WORKFLOW}: no ${check} job`);
      else if (UNCONDITIONAL_CHECKS.includes(check) && job.if !== undefined) {
        problems.push(`${CI_WORKFLOW}: ${check} runs only if ${job.if}; a skipped check passes the gate`);
      } else if (
        job['continue-on-error'] !== undefined ||
        job.steps?.some((step) => step['continue-on-error'] !== undefined)
      ) {
        problems.push(`${CI_WORKFLOW}: ${check} may fail without failing the gate (continue-on-error)`);
      }
    }
    if (gate.if !== 'always()') problems.push(`${CI_WORKFLOW}: ${GATE_JOB} must run always() to report failed checks`);
    const body = (gate.steps ?? []).map((step) => step.run ?? '').join('\n');
    if (!/failure\|cancelled/.test(body) || !/exit 1/.test(body)) {
      problems.push(`${CI_WORKFLOW}: ${GATE_JOB} does not fail when a check failed or was cancelled`);
    }
  }

  // Reusable publishing workflows: called from ci.yml (gated above) or from one another only.
  for (const [path, workflow] of workflows) {
    if (!(triggers(workflow).length === 1 && triggers(workflow)[0] === 'workflow_call') || !reusablePublishes(path))
      continue;
    const callers = [...workflows].flatMap(([caller, other]) =>
      Object.values(other.jobs ?? {}).some((job) => job.uses === `./${path}`) ? [caller] : [],
    );
    for (const caller of callers) {
      const callerOn = triggers(workflows.get(caller) ?? {});
      if (caller !== CI_WORKFLOW && !(callerOn.length === 1 && callerOn[0] === 'workflow_call')) {
        problems.push(`${path} is called by ${caller}, which is not ci.yml or a reusable workflow`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Node and npm in the workflows

/** Node 24 or newer wherever a workflow picks Node; containers by digest; installs with npm ci. */
export function workflowNodeProblems(files: WorkflowFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const [name, job] of Object.entries(loadWorkflow(file.text).jobs ?? {})) {
      const at = `${file.path}: job ${name}`;
      const container = typeof job.container === 'string' ? job.container : job.container?.image;
      if (container) {
        const problem = nodeBaseImageProblem(container);
        if (problem) problems.push(`${at}: container ${problem}`);
      }
      for (const step of job.steps ?? []) {
        if (actionOf(step.uses) === 'actions/setup-node') {
          const version = Number(String(step.with?.['node-version'] ?? '').split('.')[0]);
          if (!(version >= 24))
            problems.push(`${at}: setup-node node-version ${step.with?.['node-version']} is older than 24`);
        }
        for (const line of (step.run ?? '').split('\n')) {
          if (/\bnpm (install|i)\b/.test(line) && !/\s(--global|-g)\b/.test(line)) {
            problems.push(`${at}: "${line.trim()}" installs with npm install; use npm ci (the lock, exactly)`);
          }
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Environments

export interface EnvironmentSpec {
  overlay: string;
  namespace: string;
}

/**
 * One environment's rendered manifests: the apps run their images by digest (the digest its
 * state file records), no other image is unversioned, Deployments managed by an autoscaler
 * carry no replica count, and everything namespaced is in the environment's namespace
 * (production also configures the cluster's ingress-nginx).
 */
export function environmentProblems(
  name: string,
  spec: EnvironmentSpec,
  objects: K8sObject[],
  apps: string[],
  digests: Map<string, string>,
): string[] {
  const problems: string[] = [];
  const autoscaled = new Set(
    objects
      .filter((object) => object.kind === 'HorizontalPodAutoscaler')
      .map((hpa) => (hpa.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name),
  );
  for (const object of objects) {
    const at = `${name}: ${object.kind} ${object.metadata.name}`;
    if (
      object.metadata.namespace &&
      object.metadata.namespace !== spec.namespace &&
      object.metadata.namespace !== 'ingress-nginx'
    ) {
      problems.push(`${at} is in namespace ${object.metadata.namespace}, not ${spec.namespace}`);
    }
    if (object.kind === 'Namespace' && object.metadata.name !== spec.namespace) {
      problems.push(`${at}: the overlay creates a namespace other than ${spec.namespace}`);
    }
    const template = (
      object.spec as
        | {
            template?: {
              spec?: {
                containers?: { name: string; image?: string }[];
                initContainers?: { name: string; image?: string }[];
              };
            };
          }
        | undefined
    )?.template;
    if (!template?.spec) continue;
    if (
      object.kind === 'Deployment' &&
      autoscaled.has(object.metadata.name) &&
      (object.spec as { replicas?: number }).replicas !== undefined
    ) {
      problems.push(`${at} sets replicas, which its HorizontalPodAutoscaler owns (every apply would reset it)`);
    }
    for (const container of [...(template.spec.initContainers ?? []), ...(template.spec.containers ?? [])]) {
      const image = container.image ?? '';
      const app = object.kind === 'Deployment' ? object.metadata.name.replace(/-depl$/, '') : undefined;
      if (app && apps.includes(app) && container.name === app) {
        const problem = mutableImageProblem(image);
        if (problem) problems.push(`${at}: ${problem}`);
        else if (image.split('@')[1] !== digests.get(app)) {
          problems.push(`${at} runs ${image}, not the digest its state file records (${digests.get(app)})`);
        }
      } else if (!isDigestPinned(image) && !/:[\w.-]*?\d+\.\d+[\w.-]*$/.test(image)) {
        problems.push(`${at}: ${image} has no exact version (latest, or a tag that moves with every release)`);
      }
    }
  }
  return problems;
}

/** `app=sha256:…` lines of a state file (comments skipped). */
export function parseDigests(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
      .map((line) => {
        const index = line.indexOf('=');
        return [line.slice(0, index).trim(), line.slice(index + 1).trim()] as [string, string];
      }),
  );
}

export function stateProblems(file: string, text: string, apps: string[]): string[] {
  const digests = parseDigests(text);
  const problems: string[] = [];
  for (const app of apps) {
    const digest = digests.get(app);
    if (!digest) problems.push(`${file}: no digest for ${app}`);
    else if (!/^sha256:[a-f0-9]{64}$/.test(digest)) problems.push(`${file}: ${app}=${digest} is not a sha256 digest`);
  }
  for (const key of digests.keys()) if (!apps.includes(key)) problems.push(`${file}: ${key} is not an app`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Argo CD

interface Application {
  metadata: { name: string; finalizers?: string[] };
  spec: {
    source: { repoURL: string; path: string };
    destination: { namespace?: string };
    syncPolicy?: { automated?: unknown; syncOptions?: string[] };
  };
}

/**
 * One Application per environment, on this repository, in the environment's namespace; dev and
 * staging sync by themselves, production by hand and without a cascading finalizer (deleting the
 * Application must never delete production).
 */
export function argoProblems(
  applications: Application[],
  environments: Record<string, EnvironmentSpec>,
  repoURL: string,
): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(environments)) {
    const app = applications.find((candidate) => candidate.spec.source.path === spec.overlay);
    if (!app) {
      problems.push(`no Argo CD Application for ${name} (${spec.overlay})`);
      continue;
    }
    const at = `Application ${app.metadata.name}`;
    if (app.spec.source.repoURL !== repoURL)
      problems.push(`${at}: repoURL ${app.spec.source.repoURL} is not ${repoURL}`);
    if (app.spec.destination.namespace !== spec.namespace)
      problems.push(`${at}: destination namespace ${app.spec.destination.namespace} is not ${spec.namespace}`);
    const automated = app.spec.syncPolicy?.automated !== undefined;
    if (name === 'production') {
      if (automated) problems.push(`${at}: production must be synced by hand (no automated policy)`);
      if (app.metadata.finalizers?.length)
        problems.push(`${at}: a finalizer would delete production with the Application`);
    } else if (!automated) problems.push(`${at}: ${name} should sync by itself`);
  }
  return problems;
}
