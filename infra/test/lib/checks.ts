import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { z } from 'zod';
import { nodeBaseImageProblem } from './images';
import { type K8sObject, ofKind, parseYamlDocuments } from './kustomize';
import { type GatewayApp, ROOT, readRepoFile, repoPathExists } from './repo';

/**
 * Cross-checks between the manifests, the apps' sources, skaffold, the Dockerfiles and the
 * gateway. Each takes its inputs as values (file readers are parameters), so a test can hand it a
 * deliberately broken copy and see it fail.
 */

export type Read = (relative: string) => string;
export type Exists = (relative: string) => boolean;

const appOf = (deployment: IDeployment): string => (deployment.metadata?.name ?? '').replace(/-depl$/, '');

/** The app's own container: the one named after the app. */
export function appContainer(deployment: IDeployment): IContainer | undefined {
  return deployment.spec?.template.spec?.containers.find((container) => container.name === appOf(deployment));
}

// ---------------------------------------------------------------------------------------------
// Probes

/**
 * The health paths an app serves, established from its sources: a service built with common's
 * createServiceApp gets every path common's health router declares; the Next client has a route
 * handler (app/<path>/route.ts exporting GET) per path.
 */
export function servedProbePaths(app: string, read: Read = readRepoFile, exists: Exists = repoPathExists): Set<string> {
  const served = new Set<string>();
  if (exists(`${app}/next.config.ts`) || exists(`${app}/next.config.js`) || exists(`${app}/next.config.mjs`)) {
    for (const name of ['livez', 'readyz']) {
      const handler = [`${app}/src/app/${name}/route.ts`, `${app}/app/${name}/route.ts`].find(exists);
      if (handler && /export\s+(async\s+)?function\s+GET\b|export\s+const\s+GET\b/.test(read(handler))) {
        served.add(`/${name}`);
      }
    }
    return served;
  }
  const appSource = exists(`${app}/src/app.ts`) ? read(`${app}/src/app.ts`) : '';
  if (!/\bcreateServiceApp\(/.test(appSource)) return served;
  if (!/\bhealthRouter\(/.test(read('common/src/http/create-service-app.ts'))) return served;
  for (const match of read('common/src/http/health.ts').matchAll(/router\.get\(\s*'(\/[\w-]+)'/g)) {
    if (match[1]) served.add(match[1]);
  }
  return served;
}

export function probeProblems(deployment: IDeployment, served: Set<string>): string[] {
  const app = appOf(deployment);
  const container = appContainer(deployment);
  if (!container) return [`${app}: no container named ${app}`];
  const problems: string[] = [];
  const httpPort = container.ports?.find((port) => port.name === 'http');
  if (httpPort?.containerPort !== 3000) problems.push(`${app}: container port "http" is not 3000`);
  const expected = { startupProbe: undefined, livenessProbe: '/livez', readinessProbe: '/readyz' } as const;
  for (const [kind, wanted] of Object.entries(expected) as [keyof typeof expected, string | undefined][]) {
    const probe = container[kind];
    const get = probe?.httpGet;
    if (!get) {
      problems.push(`${app}: ${kind} is missing or not an HTTP GET`);
      continue;
    }
    const probePath = (get.path ?? '/').split('?')[0] ?? '/';
    if (wanted && probePath !== wanted) problems.push(`${app}: ${kind} probes ${probePath}, expected ${wanted}`);
    if (!served.has(probePath)) {
      problems.push(
        `${app}: ${kind} probes ${probePath}, which the app does not serve (it serves ${[...served].join(', ') || 'nothing'})`,
      );
    }
    if (get.port !== 'http' && get.port !== 3000)
      problems.push(`${app}: ${kind} targets port ${get.port}, not the app's port`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Environment

export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;

/** The app's zod `configSchema` (src/config.ts), or undefined when the app has none (the client). */
export function loadConfigSchema(app: string): ConfigSchema | undefined {
  const file = path.join(ROOT, app, 'src', 'config.ts');
  if (!repoPathExists(path.relative(ROOT, file))) return undefined;
  const loaded = require(file) as { configSchema?: ConfigSchema };
  if (!loaded.configSchema) throw new Error(`${app}/src/config.ts does not export configSchema`);
  return loaded.configSchema;
}

export interface ProvidedVariable {
  /** Where it comes from, for messages: `ConfigMap x`, `Secret y (optional)`, `literal`. */
  source: string;
  /** The value when the manifests know it (literal or ConfigMap). */
  value?: string;
  /** From a Secret or ConfigMap key marked optional: may be absent at run time. */
  optional: boolean;
}

/** Every variable the app's container gets from env and envFrom, resolved against the rendered ConfigMaps. */
export function providedEnv(
  container: IContainer,
  objects: K8sObject[],
): { vars: Map<string, ProvidedVariable>; problems: string[] } {
  const configMaps = new Map(ofKind<IConfigMap>(objects, 'ConfigMap').map((cm) => [cm.metadata?.name ?? '', cm]));
  const vars = new Map<string, ProvidedVariable>();
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = configMaps.get(source.configMapRef.name ?? '');
      if (!configMap) {
        if (!source.configMapRef.optional)
          problems.push(`envFrom ConfigMap ${source.configMapRef.name} is not in the manifests`);
        continue;
      }
      for (const [name, value] of Object.entries(configMap.data ?? {})) {
        vars.set(`${source.prefix ?? ''}${name}`, {
          source: `ConfigMap ${configMap.metadata?.name}`,
          value,
          optional: false,
        });
      }
    }
    if (source.secretRef)
      problems.push(`envFrom Secret ${source.secretRef.name}: name each key with env[].valueFrom instead`);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.secretKeyRef) {
      const optional = from.secretKeyRef.optional === true;
      vars.set(variable.name, { source: `Secret ${from.secretKeyRef.name}${optional ? ' (optional)' : ''}`, optional });
    } else if (from?.configMapKeyRef) {
      const configMap = configMaps.get(from.configMapKeyRef.name ?? '');
      const value = configMap?.data?.[from.configMapKeyRef.key];
      if (value === undefined && !from.configMapKeyRef.optional) {
        problems.push(
          `${variable.name}: ConfigMap ${from.configMapKeyRef.name} key ${from.configMapKeyRef.key} is not in the manifests`,
        );
      }
      vars.set(variable.name, {
        source: `ConfigMap ${from.configMapKeyRef.name}`,
        value,
        optional: from.configMapKeyRef.optional === true,
      });
    } else if (from) {
      vars.set(variable.name, { source: 'the downward API', optional: false });
    } else {
      vars.set(variable.name, { source: 'literal', value: variable.value ?? '', optional: false });
    }
  }
  return { vars, problems };
}

const LOOPBACK = /\b(127\.0\.0\.1|localhost)\b/;

/**
 * The variables a service needs in a cluster: those its schema requires (no default, not
 * optional; DATABASE_URL among them), and those whose default points at this machine (NATS_URL,
 * REDIS_URL default to 127.0.0.1).
 */
export function variablesNeededInCluster(schema: ConfigSchema): Map<string, string> {
  const needed = new Map<string, string>();
  for (const [name, field] of Object.entries(schema.shape)) {
    const unset = field.safeParse(undefined);
    if (!unset.success) needed.set(name, 'required by the schema');
    else if (typeof unset.data === 'string' && LOOPBACK.test(unset.data))
      needed.set(name, `its default ${unset.data} is this pod`);
  }
  return needed;
}

/**
 * @param allowedExtra variables the manifests may set although the schema does not declare them
 *   (yet), with the reason.
 */
export function envProblems(
  deployment: IDeployment,
  objects: K8sObject[],
  schema: ConfigSchema,
  allowedExtra: Record<string, string> = {},
): string[] {
  const app = appOf(deployment);
  const container = appContainer(deployment);
  if (!container) return [`${app}: no container named ${app}`];
  const { vars, problems } = providedEnv(container, objects);
  const out = problems.map((problem) => `${app}: ${problem}`);
  for (const [name, why] of variablesNeededInCluster(schema)) {
    const provided = vars.get(name);
    if (!provided) out.push(`${app}: ${name} is not provided (${why})`);
    else if (provided.optional)
      out.push(`${app}: ${name} comes from ${provided.source}, but the service cannot start without it`);
  }
  for (const [name, provided] of vars) {
    const field = schema.shape[name];
    if (!field) {
      if (!(name in allowedExtra))
        out.push(`${app}: ${name} (${provided.source}) is not a variable of ${app}'s configSchema`);
      continue;
    }
    if (provided.value !== undefined && !field.safeParse(provided.value).success) {
      out.push(`${app}: ${name}=${provided.value} (${provided.source}) is rejected by ${app}'s configSchema`);
    }
  }
  return out;
}

/**
 * Payments fail closed (see payments/src/config.ts): where NODE_ENV is production, the Stripe key
 * and webhook secret must come from a required Secret — an optional one lets a pod whose Secret
 * went missing start in the sandbox — unless PAYMENTS_SANDBOX=true says the sandbox is meant.
 */
export function paymentsModeProblems(deployment: IDeployment, objects: K8sObject[]): string[] {
  const container = appContainer(deployment);
  if (!container) return ['payments: no container named payments'];
  const { vars } = providedEnv(container, objects);
  if (vars.get('NODE_ENV')?.value !== 'production') return [];
  const sandbox = vars.get('PAYMENTS_SANDBOX')?.value === 'true';
  const problems: string[] = [];
  for (const name of ['STRIPE_KEY', 'STRIPE_WEBHOOK_SECRET']) {
    const provided = vars.get(name);
    if (sandbox && provided) problems.push(`payments: ${name} is set although PAYMENTS_SANDBOX=true`);
    if (sandbox) continue;
    if (!provided) problems.push(`payments: ${name} is not provided in production (and PAYMENTS_SANDBOX is not true)`);
    else if (provided.optional)
      problems.push(
        `payments: ${name} comes from ${provided.source}: a missing Secret must stop the pod, not start the sandbox`,
      );
  }
  return problems;
}

/**
 * A variable several apps must agree on (PAYMENT_CURRENCY: a listing, an order and its charge in
 * one currency): one sentence per app that leaves it unset (its own default would apply, whatever
 * the others say) or gives it another value than the first app.
 */
export function sharedVariableProblems(deployments: IDeployment[], objects: K8sObject[], name: string): string[] {
  const values = deployments.map((deployment) => {
    const container = appContainer(deployment);
    return {
      app: appOf(deployment),
      value: container ? providedEnv(container, objects).vars.get(name)?.value : undefined,
    };
  });
  const first = values[0];
  return values.flatMap(({ app, value }) => {
    if (value === undefined) return [`${app}: ${name} is not set, so it would not follow the other apps`];
    if (first?.value !== undefined && value !== first.value)
      return [`${app}: ${name}=${value}, but ${first.app} has ${first.value}`];
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Ingress

/** The Ingress routes exactly what the gateway routes: each app's prefix to its Service, port 3000. */
export function ingressProblems(objects: K8sObject[], apps: GatewayApp[]): string[] {
  const ingresses = ofKind<IIngress>(objects, 'Ingress');
  if (ingresses.length !== 1) return [`expected one Ingress, found ${ingresses.length}`];
  const ingress = ingresses[0] as IIngress;
  const problems: string[] = [];
  if (ingress.spec?.ingressClassName !== 'nginx') problems.push('ingressClassName is not nginx');
  const services = new Set(ofKind<IService>(objects, 'Service').map((service) => service.metadata?.name));
  const expected = new Map(apps.flatMap((app) => app.routes.map((route) => [route, `${app.name}-srv`] as const)));
  const rules = ingress.spec?.rules ?? [];
  if (rules.length === 0) problems.push('the Ingress has no rules');
  for (const rule of rules) {
    const host = rule.host ?? '(any host)';
    const paths = rule.http?.paths ?? [];
    const seen = new Set<string>();
    for (const entry of paths) {
      const route = entry.path ?? '';
      seen.add(route);
      const service = entry.backend.service;
      if (!expected.has(route))
        problems.push(`${host}: path ${route} is not a gateway route (scripts/lib/services.mjs)`);
      else if (service?.name !== expected.get(route))
        problems.push(`${host}: ${route} goes to ${service?.name}, expected ${expected.get(route)}`);
      if (service?.port?.number !== 3000) problems.push(`${host}: ${route} does not target port 3000`);
      if (entry.pathType !== 'Prefix')
        problems.push(`${host}: ${route} has pathType ${entry.pathType}, expected Prefix`);
      if (service?.name && !services.has(service.name))
        problems.push(`${host}: ${route} goes to a Service that does not exist: ${service.name}`);
    }
    for (const route of expected.keys())
      if (!seen.has(route)) problems.push(`${host}: the gateway route ${route} is missing`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Secrets

const SECRET_VALUE =
  /\b(sk|rk)_(live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** No Secret with data, no secretGenerator, no Stripe key or private key in any file. */
export function committedSecretProblems(files: { path: string; text: string }[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (SECRET_VALUE.test(file.text)) problems.push(`${file.path}: contains what looks like a secret key`);
    if (!/\.ya?ml$/.test(file.path)) continue;
    for (const document of parseYamlDocuments(file.text, file.path) as Record<string, unknown>[]) {
      if (document.kind === 'Secret' && (document.data || document.stringData)) {
        problems.push(
          `${file.path}: Secret ${(document.metadata as { name?: string })?.name} carries data; create Secrets by hand`,
        );
      }
      if (document.kind === 'Kustomization' && document.secretGenerator) {
        problems.push(`${file.path}: secretGenerator commits secret values`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** The stages of a Dockerfile (continuation lines joined, comments dropped). */
export function dockerStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1] ?? '', name: from[2] ?? `stage${stages.length}`, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const cmdOf = (stage: Stage | undefined): string[] | undefined => {
  const cmd = stage?.lines.filter((line) => /^CMD\s/i.test(line)).at(-1);
  if (!cmd) return undefined;
  try {
    return JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
  } catch {
    return [cmd];
  }
};

export interface DockerfileExpectations {
  workspaces: string[];
  /** The app applies database migrations at start-up: its migrations/ folder must be in the image. */
  migrations: boolean;
  /** A Next.js app (standalone server) rather than an Express service. */
  next: boolean;
}

export function dockerfileProblems(app: string, text: string, expect: DockerfileExpectations): string[] {
  const stages = dockerStages(text);
  const names = new Set(stages.map((stage) => stage.name));
  const problems: string[] = [];
  const file = `${app}/Dockerfile`;
  const bases = new Set<string>();
  for (const stage of stages) {
    if (names.has(stage.from)) continue;
    bases.add(stage.from);
    const problem = nodeBaseImageProblem(stage.from);
    if (problem) problems.push(`${file}: stage ${stage.name}: ${problem}`);
  }
  if (bases.size > 1) problems.push(`${file}: the stages start from different base images (${[...bases].join(', ')})`);
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const build = byName.get('build');
  const dev = byName.get('dev');
  const runtime = byName.get('runtime');
  if (!build || !dev || !runtime) return [...problems, `${file}: needs stages build, dev and runtime`];
  if (stages.at(-1) !== runtime) problems.push(`${file}: runtime must be the last stage (the default target)`);

  for (const stage of [build, runtime]) {
    const body = stage.lines.join('\n');
    if (!/\bnpm ci\b/.test(body) && !(expect.next && stage === runtime))
      problems.push(`${file}: stage ${stage.name} does not run npm ci`);
    if (/\bnpm ci\b/.test(body)) {
      for (const workspace of expect.workspaces) {
        if (!new RegExp(`^COPY\\s+${workspace}/package\\.json\\s`, 'm').test(body)) {
          problems.push(
            `${file}: stage ${stage.name} runs npm ci without ${workspace}/package.json (npm ci checks every workspace)`,
          );
        }
      }
    }
  }
  const buildBody = build.lines.join('\n');
  for (const workspace of expect.next ? [app] : ['common', app]) {
    if (!new RegExp(`npm run build -w ${workspace}\\b`).test(buildBody))
      problems.push(`${file}: the build stage does not build ${workspace}`);
  }

  const devCmd = cmdOf(dev)?.join(' ');
  if (devCmd !== `npm run dev -w ${app}`)
    problems.push(`${file}: the dev stage runs ${devCmd}, expected npm run dev -w ${app}`);
  if (!dev.lines.some((line) => /^USER\s+node$/.test(line)))
    problems.push(`${file}: the dev stage does not run as the node user`);

  const runtimeBody = runtime.lines.join('\n');
  const runtimeCmd = cmdOf(runtime) ?? [];
  const expectedCmd = expect.next ? ['node', `${app}/server.js`] : ['node', `${app}/dist/index.js`];
  if (JSON.stringify(runtimeCmd) !== JSON.stringify(expectedCmd)) {
    problems.push(`${file}: the runtime stage runs ${runtimeCmd.join(' ')}, expected ${expectedCmd.join(' ')}`);
  }
  if (/\b(tsx|ts-node|ts-node-dev|next dev|next start|npm run dev)\b/.test(runtimeBody)) {
    problems.push(`${file}: the runtime stage uses a development tool (tsx, ts-node, next dev/start)`);
  }
  const users = runtime.lines.filter((line) => /^USER\s/.test(line));
  if (users.at(-1) !== 'USER node') problems.push(`${file}: the runtime stage does not end as USER node`);
  if (!expect.next && !/npm ci[^\n]*--omit=dev/.test(runtimeBody))
    problems.push(`${file}: the runtime stage installs dev dependencies`);
  if (expect.next && !/COPY --from=build \S*\/\.next\/standalone/.test(runtimeBody)) {
    problems.push(`${file}: the runtime stage does not copy Next's standalone output`);
  }
  if (expect.migrations && !new RegExp(`^COPY\\s.*\\s${app}/migrations$`, 'm').test(runtimeBody)) {
    problems.push(`${file}: the runtime stage does not copy ${app}/migrations (read at start-up)`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Pod security and workload settings

export interface PodSecurityExpectations {
  /** Must every container have a read-only root filesystem? */
  readOnlyRoot: boolean;
  /** The uid every container must run as, when fixed. */
  uid?: number;
}

/** The Pod Security "restricted" profile (which the namespace enforces), plus the repository's own rules. */
export function podSecurityProblems(
  where: string,
  pod: IPodSpec | undefined,
  expect: PodSecurityExpectations,
): string[] {
  if (!pod) return [`${where}: no pod template`];
  const problems: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${where}: uses the host's namespaces`);
  if (pod.volumes?.some((volume) => volume.hostPath)) problems.push(`${where}: mounts a hostPath`);
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const at = `${where}/${container.name}`;
    const own = container.securityContext ?? {};
    const podLevel = pod.securityContext ?? {};
    if ((own.runAsNonRoot ?? podLevel.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
    const uid = own.runAsUser ?? podLevel.runAsUser;
    if (uid === 0) problems.push(`${at}: runs as root`);
    if (expect.uid !== undefined && uid !== expect.uid)
      problems.push(`${at}: runs as uid ${uid}, expected ${expect.uid}`);
    if ((own.seccompProfile ?? podLevel.seccompProfile)?.type !== 'RuntimeDefault')
      problems.push(`${at}: seccompProfile is not RuntimeDefault`);
    if (own.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (own.privileged) problems.push(`${at}: privileged`);
    if (!own.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
    if ((own.capabilities?.add ?? []).some((capability) => capability !== 'NET_BIND_SERVICE'))
      problems.push(`${at}: adds capabilities`);
    if (expect.readOnlyRoot && own.readOnlyRootFilesystem !== true)
      problems.push(`${at}: readOnlyRootFilesystem is not true`);
    const resources = container.resources;
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (!resources?.[kind]?.[resource]) problems.push(`${at}: no ${resource} ${kind.slice(0, -1)}`);
      }
    }
  }
  return problems;
}

/** The settings every app Deployment shares (rolling updates, configuration from ConfigMaps, a writable /tmp). */
export function deploymentProblems(deployment: IDeployment): string[] {
  const app = appOf(deployment);
  const problems: string[] = [];
  const strategy = deployment.spec?.strategy;
  if (
    strategy?.type !== 'RollingUpdate' ||
    strategy.rollingUpdate?.maxSurge !== 1 ||
    strategy.rollingUpdate?.maxUnavailable !== 0
  ) {
    problems.push(`${app}: strategy is not RollingUpdate with maxSurge 1, maxUnavailable 0`);
  }
  const container = appContainer(deployment);
  if (!container) return [...problems, `${app}: no container named ${app}`];
  if (!(container.envFrom ?? []).some((source) => source.configMapRef))
    problems.push(`${app}: configuration does not come from a ConfigMap`);
  for (const variable of container.env ?? []) {
    // Next's standalone server must bind 0.0.0.0, not the pod name Kubernetes puts in HOSTNAME.
    if (!variable.valueFrom && variable.name !== 'HOSTNAME') {
      problems.push(`${app}: ${variable.name} is a literal in the Deployment; put configuration in a ConfigMap`);
    }
  }
  const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
  const volume = deployment.spec?.template.spec?.volumes?.find((candidate) => candidate.name === tmp?.name);
  if (!volume?.emptyDir) problems.push(`${app}: no emptyDir mounted at /tmp`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selects(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const value = labels[key];
    const ok =
      operator === 'In'
        ? value !== undefined && values.includes(value)
        : operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : operator === 'Exists'
            ? value !== undefined
            : operator === 'DoesNotExist'
              ? value === undefined
              : false;
    if (!ok) return false;
  }
  return true;
}

/** A pod as the policies see it: its labels, and its namespace when it is not the platform's own. */
export interface Peer {
  labels: Labels;
  /** Another namespace's name (labelled kubernetes.io/metadata.name); undefined for the platform's namespace. */
  namespace?: string;
}

interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string };
}

function peerMatches(peer: PolicyPeer, other: Peer): boolean {
  // An ipBlock is meant for addresses outside the cluster; the checks below are about pods.
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    if (other.namespace === undefined) return false;
    if (!selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace })) return false;
    return peer.podSelector ? selects(peer.podSelector, other.labels) : true;
  }
  return other.namespace === undefined && selects(peer.podSelector, other.labels);
}

const typesOf = (policy: INetworkPolicy): string[] =>
  policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];

const portMatches = (
  ports: { port?: number | string; protocol?: string }[] | undefined,
  port: number,
  protocol: string,
) =>
  !ports || ports.length === 0 || ports.some((entry) => entry.port === port && (entry.protocol ?? 'TCP') === protocol);

/**
 * May `source` open `port` on `target`? Both directions count: the policies selecting the
 * target must admit it in (Ingress), and those selecting the source must let it out (Egress).
 * Pods of other namespaces are only judged on this namespace's side.
 */
export function canReach(
  policies: INetworkPolicy[],
  target: Labels | Peer,
  source: Labels | Peer,
  port: number,
  protocol = 'TCP',
  /** `ingress`: judge the target's side only, as for a pod whose own egress is open. */
  sides: 'both' | 'ingress' = 'both',
): boolean {
  const asPeer = (value: Labels | Peer): Peer =>
    'labels' in value && typeof value.labels === 'object' ? (value as Peer) : { labels: value as Labels };
  const to = asPeer(target);
  const from = asPeer(source);
  if (to.namespace === undefined) {
    const applying = policies.filter(
      (policy) => selects(policy.spec?.podSelector, to.labels) && typesOf(policy).includes('Ingress'),
    );
    const admitted =
      applying.length === 0 ||
      applying.some((policy) =>
        (policy.spec?.ingress ?? []).some(
          (rule) =>
            (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer as PolicyPeer, from))) &&
            portMatches(rule.ports as { port?: number }[], port, protocol),
        ),
      );
    if (!admitted) return false;
  }
  if (from.namespace === undefined && sides === 'both') {
    const applying = policies.filter(
      (policy) => selects(policy.spec?.podSelector, from.labels) && typesOf(policy).includes('Egress'),
    );
    const released =
      applying.length === 0 ||
      applying.some((policy) =>
        (policy.spec?.egress ?? []).some(
          (rule) =>
            (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer as PolicyPeer, to))) &&
            portMatches(rule.ports as { port?: number }[], port, protocol),
        ),
      );
    if (!released) return false;
  }
  return true;
}

const podLabels = (workload: IDeployment | IStatefulSet): Labels => workload.spec?.template.metadata?.labels ?? {};

/** The pods of the platform: Deployments, StatefulSets and the CloudNativePG instances of each Cluster. */
function namespacePods(objects: K8sObject[]): { name: string; labels: Labels }[] {
  return [
    ...ofKind<IDeployment>(objects, 'Deployment').map((d) => ({ name: d.metadata?.name ?? '', labels: podLabels(d) })),
    ...ofKind<IStatefulSet>(objects, 'StatefulSet').map((s) => ({
      name: s.metadata?.name ?? '',
      labels: podLabels(s),
    })),
    ...objects
      .filter((object) => object.kind === 'Cluster')
      .map((cluster) => ({
        name: cluster.metadata.name,
        labels: {
          ...((cluster.spec as { inheritedMetadata?: { labels?: Labels } }).inheritedMetadata?.labels ?? {}),
          'cnpg.io/cluster': cluster.metadata.name,
          'cnpg.io/podRole': 'instance',
        },
      })),
  ];
}

const INGRESS_CONTROLLER: Peer = { labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, namespace: 'ingress-nginx' };
const PROMETHEUS: Peer = { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'monitoring' };
const KUBE_DNS: Peer = { labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' };
const ELSEWHERE: Peer = { labels: { app: 'intruder' }, namespace: 'elsewhere' };
const INTRUDER: Peer = { labels: { app: 'intruder' } };

/** The metrics ports Prometheus scrapes, by pod: what the PodMonitors name (numbers from the pods' declared ports). */
function scrapedPorts(objects: K8sObject[], pod: { name: string; labels: Labels }): number[] {
  const workload = [
    ...ofKind<IDeployment>(objects, 'Deployment'),
    ...ofKind<IStatefulSet>(objects, 'StatefulSet'),
  ].find((candidate) => candidate.metadata?.name === pod.name);
  const declared = (workload?.spec?.template.spec?.containers ?? []).flatMap((container) => container.ports ?? []);
  return objects
    .filter((object) => object.kind === 'PodMonitor' && object.metadata.namespace !== 'ingress-nginx')
    .filter((monitor) => selects((monitor.spec as { selector?: Selector }).selector, pod.labels))
    .flatMap((monitor) => (monitor.spec as { podMetricsEndpoints?: { port?: string }[] }).podMetricsEndpoints ?? [])
    .map((endpoint) =>
      pod.labels['cnpg.io/podRole'] === 'instance' && endpoint.port === 'metrics'
        ? 9187
        : (declared.find((port) => port.name === endpoint.port)?.containerPort ?? 0),
    );
}

/**
 * Default deny with explicit allows: the namespace denies by default in both directions; each
 * service's database is reachable from that service only (pods labelled database-of); NATS from
 * the apps given NATS_URL, Redis from those given REDIS_URL; ingress-nginx reaches the apps with
 * a route on 3000 and nothing else; Prometheus reaches the scraped metrics ports; every pod
 * resolves names (kube-dns, UDP 53); nobody else, in this namespace or another, reaches anything.
 */
export function networkPolicyProblems(objects: K8sObject[], routedApps: string[] = []): string[] {
  const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const deployments = ofKind<IDeployment>(objects, 'Deployment');
  const pods = namespacePods(objects);
  const problems: string[] = [];
  const denyAll = policies.some(
    (policy) =>
      Object.keys(policy.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
      (policy.spec?.podSelector?.matchExpressions ?? []).length === 0 &&
      ['Ingress', 'Egress'].every((type) => (policy.spec?.policyTypes as string[] | undefined)?.includes(type)) &&
      !policy.spec?.ingress?.length &&
      !policy.spec?.egress?.length,
  );
  if (!denyAll) problems.push('no default-deny policy (every pod, Ingress and Egress, no rules)');
  const envOf = (deployment: IDeployment) => {
    const container = appContainer(deployment);
    return container ? providedEnv(container, objects).vars : new Map<string, ProvidedVariable>();
  };
  const guarded: {
    name: string;
    labels: Labels;
    port: number;
    allowed: (app: string, vars: Map<string, ProvidedVariable>) => boolean;
  }[] = [];
  for (const pod of pods) {
    const owner = pod.labels['database-of'];
    if (owner) guarded.push({ name: pod.name, labels: pod.labels, port: 5432, allowed: (app) => app === owner });
    else if (pod.labels.app === 'nats')
      guarded.push({ name: pod.name, labels: pod.labels, port: 4222, allowed: (_app, vars) => vars.has('NATS_URL') });
    else if (pod.labels.app === 'redis')
      guarded.push({ name: pod.name, labels: pod.labels, port: 6379, allowed: (_app, vars) => vars.has('REDIS_URL') });
  }
  for (const target of guarded) {
    for (const deployment of deployments) {
      const app = appOf(deployment);
      const shouldReach = target.allowed(app, envOf(deployment));
      const reaches = canReach(policies, target.labels, podLabels(deployment), target.port);
      if (reaches !== shouldReach)
        problems.push(`${app} ${reaches ? 'can' : 'cannot'} reach ${target.name}:${target.port}`);
    }
    if (canReach(policies, target.labels, INTRUDER, target.port, 'TCP', 'ingress'))
      problems.push(`any pod can reach ${target.name}:${target.port}`);
    if (canReach(policies, target.labels, INGRESS_CONTROLLER, target.port))
      problems.push(`ingress-nginx can reach ${target.name}:${target.port}`);
  }
  for (const deployment of deployments) {
    const app = appOf(deployment);
    const labels = podLabels(deployment);
    const routed = routedApps.includes(app);
    if (canReach(policies, labels, INGRESS_CONTROLLER, 3000) !== routed)
      problems.push(`ingress-nginx ${routed ? 'cannot' : 'can'} reach ${app}:3000`);
    if (canReach(policies, labels, INTRUDER, 3000, 'TCP', 'ingress')) problems.push(`any pod can reach ${app}:3000`);
    if (canReach(policies, labels, ELSEWHERE, 3000)) problems.push(`another namespace can reach ${app}:3000`);
  }
  for (const pod of pods) {
    if (!canReach(policies, KUBE_DNS, { labels: pod.labels }, 53, 'UDP'))
      problems.push(`${pod.name} cannot resolve names (kube-dns:53/UDP)`);
    for (const port of scrapedPorts(objects, pod)) {
      if (!canReach(policies, pod.labels, PROMETHEUS, port))
        problems.push(`Prometheus cannot scrape ${pod.name}:${port}`);
      if (canReach(policies, pod.labels, ELSEWHERE, port))
        problems.push(`another namespace can reach ${pod.name}:${port}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// skaffold

export interface SkaffoldArtifact {
  image: string;
  context?: string;
  docker?: { dockerfile?: string; target?: string };
  sync?: { manual?: { src: string; dest: string; strip?: string }[] };
}

/** The image name without tag or digest. */
export const imageName = (image: string): string => image.replace(/@sha256:[a-f0-9]+$/, '').replace(/:[\w.-]+$/, '');

/**
 * One skaffold pipeline (the default or a profile): every artifact is built from the repository
 * root with an existing Dockerfile stage, each Deployment of the overlay runs an artifact's image
 * and each artifact is run by a Deployment, and file sync is only set up where the target stage
 * runs a watcher (syncing TypeScript into an image that runs compiled JavaScript does nothing).
 */
export function skaffoldPipelineProblems(
  pipeline: string,
  artifacts: SkaffoldArtifact[],
  objects: K8sObject[],
  read: Read = readRepoFile,
  exists: Exists = repoPathExists,
): string[] {
  const problems: string[] = [];
  const deployed = new Map(
    ofKind<IDeployment>(objects, 'Deployment').map((deployment) => [
      imageName(appContainer(deployment)?.image ?? ''),
      appOf(deployment),
    ]),
  );
  for (const artifact of artifacts) {
    const at = `${pipeline}: ${artifact.image}`;
    if (artifact.context !== '.')
      problems.push(`${at}: context is ${artifact.context}, expected . (the repository root)`);
    const dockerfile = artifact.docker?.dockerfile ?? 'Dockerfile';
    if (!exists(dockerfile)) {
      problems.push(`${at}: ${dockerfile} does not exist`);
      continue;
    }
    const stages = dockerStages(read(dockerfile));
    const target = artifact.docker?.target
      ? stages.find((stage) => stage.name === artifact.docker?.target)
      : stages.at(-1);
    if (!target) problems.push(`${at}: ${dockerfile} has no stage ${artifact.docker?.target}`);
    if (!deployed.has(imageName(artifact.image))) problems.push(`${at}: no Deployment runs this image`);
    const watches = target ? /\bnpm run dev\b|\btsx watch\b|\bnext dev\b/.test(cmdOf(target)?.join(' ') ?? '') : false;
    if ((artifact.sync?.manual ?? []).length > 0 && !watches) {
      problems.push(`${at}: syncs files into stage ${target?.name}, which does not run a watcher`);
    }
  }
  const built = new Set(artifacts.map((artifact) => imageName(artifact.image)));
  for (const [image, app] of deployed)
    if (!built.has(image)) problems.push(`${pipeline}: ${app} runs ${image}, which no artifact builds`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// NATS

/** A NATS image's version, e.g. nats:2.12.3-alpine → [2, 12, 3]. */
function natsVersion(image: string): [number, number, number] | undefined {
  const match = /^(?:[\w.-]+\/)*nats:(\d+)\.(\d+)\.(\d+)/.exec(image);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** 2.10.23 fixed the loss of whole streams after process crashes (2.10.20-2.10.22, found by Jepsen). */
export function natsVersionProblem(image: string): string | undefined {
  const version = natsVersion(image);
  if (!version) return `${image}: pin an exact NATS version`;
  const [major, minor, patch] = version;
  const atLeast = major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 23)));
  return atLeast ? undefined : `${image}: NATS before 2.10.23 can lose streams after crashes`;
}

// ---------------------------------------------------------------------------------------------
// Secrets made by hand

/** A Secret key the manifests read, and who reads it. */
export interface SecretReference {
  name: string;
  key?: string;
  optional: boolean;
  by: string;
}

/**
 * Every Secret key the objects read: env secretKeyRefs, envFrom secretRefs, secret volumes and a
 * Barman Cloud ObjectStore's credentials. Secrets that an operator makes are left out: the
 * CloudNativePG application Secret `<cluster>-app` of a Cluster in the objects, and the Ingress
 * certificates cert-manager issues.
 */
export function secretReferences(objects: K8sObject[]): SecretReference[] {
  const clusters = new Set(objects.filter((object) => object.kind === 'Cluster').map((object) => object.metadata.name));
  const references: SecretReference[] = [];
  const walk = (node: unknown, by: string) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, by);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const entries = node as Record<string, unknown>;
    for (const [field, value] of Object.entries(entries)) {
      const ref = value as { name?: string; key?: string; optional?: boolean; secretName?: string } | undefined;
      if ((field === 'secretKeyRef' || field === 'accessKeyId' || field === 'secretAccessKey') && ref?.name)
        references.push({ name: ref.name, key: ref.key, optional: ref.optional === true, by });
      else if (field === 'secretRef' && ref?.name)
        references.push({ name: ref.name, optional: ref.optional === true, by });
      else if (field === 'secret' && ref?.secretName)
        references.push({ name: ref.secretName, optional: ref.optional === true, by });
      else walk(value, by);
    }
  };
  for (const object of objects) {
    if (object.kind === 'Ingress') continue;
    walk(object.spec, `${object.kind} ${object.metadata.name}`);
  }
  return references.filter((reference) => {
    const cluster = /^(.+)-app$/.exec(reference.name)?.[1];
    return !(cluster && clusters.has(cluster));
  });
}

/**
 * The Secrets the documentation's shell blocks create (`kubectl create secret generic <name>`)
 * and the keys each gets (`--from-literal=KEY=`, `--from-file=KEY=`), with `for x in a b c; do`
 * loops expanded: a loop around the command names one Secret per item ("$svc-db-secret"), a
 * loop inside it one key per item (the NATS users).
 */
export function documentedSecrets(markdown: string): Map<string, Set<string>> {
  const secrets = new Map<string, Set<string>>();
  const blocks = [...markdown.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  for (const block of blocks) {
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    let loop: { variable: string; items: string[] } | undefined;
    for (const line of lines) {
      const opening = /^\s*for (\w+) in ([^;]+); do\s*$/.exec(line);
      if (opening) loop = { variable: opening[1] ?? '', items: (opening[2] ?? '').trim().split(/\s+/) };
      if (/^\s*done\b/.test(line)) loop = undefined;
      const command = /create secret generic ("?)(\$?[\w-]+)\1/.exec(line);
      if (!command) continue;
      const written = command[2] ?? '';
      const names =
        loop && written.startsWith(`$${loop.variable}`)
          ? loop.items.map((item) => item + written.slice(loop!.variable.length + 1))
          : [written];
      const keys = [...line.matchAll(/--from-(?:literal|file)=(\w+)=/g)].map((match) => match[1] ?? '');
      const inner = /\$\(for \w+ in ([^;]+); do printf -- '--from-literal=%s=/.exec(line);
      if (inner) keys.push(...(inner[1] ?? '').trim().split(/\s+/));
      for (const name of names) {
        const known = secrets.get(name) ?? new Set<string>();
        for (const key of keys) known.add(key);
        secrets.set(name, known);
      }
    }
  }
  return secrets;
}

/** Every Secret key the objects need (optional ones aside) is made by a documented command. */
export function undocumentedSecretProblems(references: SecretReference[], documented: Map<string, Set<string>>) {
  const problems = new Map<string, string[]>();
  for (const reference of references.filter((candidate) => !candidate.optional)) {
    const keys = documented.get(reference.name);
    const missing = !keys
      ? `Secret ${reference.name} is created by no documented command`
      : reference.key && !keys.has(reference.key)
        ? `Secret ${reference.name}: the documented command does not set ${reference.key}`
        : undefined;
    if (missing) problems.set(missing, [...(problems.get(missing) ?? []), reference.by]);
  }
  return [...problems].map(([problem, readers]) => `${problem} (read by ${[...new Set(readers)].join(', ')})`);
}
