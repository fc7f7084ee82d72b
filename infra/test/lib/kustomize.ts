import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './repo';

/** A rendered Kubernetes object, before anyone has checked its shape. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const KUBECTL_HINT =
  'kubectl is required to render the kustomize overlays offline (`kubectl kustomize`, kustomize v5). ' +
  "Install it from the Kubernetes or Google Cloud apt repository (Debian's kubernetes-client is 1.20, too old) " +
  'or as a static binary; the GitHub workflows use azure/setup-kubectl.';

let kubectlChecked = false;

/** Fails with a clear message when kubectl is missing or its kustomize is older than v5. */
export function requireKubectl(): void {
  if (kubectlChecked) return;
  const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`${KUBECTL_HINT}\n(${result.error?.message ?? result.stderr})`);
  }
  const version = (JSON.parse(result.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
  if (major < 5)
    throw new Error(`kubectl's kustomize is ${version || 'unknown'}, v5 or newer is needed. ${KUBECTL_HINT}`);
  kubectlChecked = true;
}

/** Parses a multi-document YAML text; a syntax error throws, naming `where`. */
export function parseYamlDocuments(text: string, where: string): unknown[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${where}: ${document.errors[0]?.message}`);
      return document.toJS() as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

const rendered = new Map<string, K8sObject[]>();

/** `kubectl kustomize <dir>` (a repository-relative directory), parsed; cached per directory. */
export function render(dir: string): K8sObject[] {
  const cached = rendered.get(dir);
  if (cached) return structuredClone(cached);
  requireKubectl();
  const result = spawnSync('kubectl', ['kustomize', path.join(ROOT, dir)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  const objects = parseYamlDocuments(result.stdout, dir) as K8sObject[];
  rendered.set(dir, objects);
  return structuredClone(objects);
}

export const ofKind = <T = K8sObject>(objects: K8sObject[], kind: string): T[] =>
  objects.filter((object) => object.kind === kind) as unknown as T[];

export function byName<T = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as unknown as T;
}
