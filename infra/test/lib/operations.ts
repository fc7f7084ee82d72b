import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { stringify } from 'yaml';
import { appContainer, selects } from './checks';
import { type K8sObject, ofKind } from './kustomize';
import { APP_NAMES, repoPathExists } from './repo';

/**
 * The production rules of infra/README.md ("Operations"): data that survives, PostgreSQL that is
 * highly available and backed up, monitoring that covers every part, capacity that fits. Each
 * check takes its inputs as values, so a test can hand it a deliberately broken copy.
 */

type Labels = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Data that survives

/** StorageClasses that keep the volume when its claim is deleted: DigitalOcean's, and any the manifests define with Retain. */
export const RETAIN_STORAGE_CLASSES = new Set(['do-block-storage-retain']);

interface CnpgCluster extends K8sObject {
  spec: {
    instances?: number;
    enablePDB?: boolean;
    storage?: { storageClass?: string; size?: string };
    affinity?: { enablePodAntiAffinity?: boolean; podAntiAffinityType?: string; topologyKey?: string };
    inheritedMetadata?: { labels?: Labels };
    plugins?: { name: string; isWALArchiver?: boolean; enabled?: boolean; parameters?: Record<string, string> }[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    bootstrap?: { initdb?: { database?: string; owner?: string } };
  };
}

const retainClasses = (objects: K8sObject[]) =>
  new Set([
    ...RETAIN_STORAGE_CLASSES,
    ...objects
      .filter(
        (object) => object.kind === 'StorageClass' && (object as { reclaimPolicy?: string }).reclaimPolicy === 'Retain',
      )
      .map((object) => object.metadata.name),
  ]);

/**
 * No data volume is deleted with its claim: every volume claim (StatefulSet templates, plain
 * claims, CloudNativePG storage) names a Retain StorageClass (the cluster default deletes), and
 * no StatefulSet deletes its claims when deleted or scaled down.
 */
export function storageProblems(objects: K8sObject[]): string[] {
  const retain = retainClasses(objects);
  const problems: string[] = [];
  for (const statefulSet of ofKind<IStatefulSet>(objects, 'StatefulSet')) {
    const name = statefulSet.metadata?.name;
    for (const template of statefulSet.spec?.volumeClaimTemplates ?? []) {
      const storageClass = template.spec?.storageClassName;
      if (!storageClass || !retain.has(storageClass)) {
        problems.push(
          `StatefulSet ${name}: volume ${template.metadata?.name} uses ${storageClass ?? 'the default StorageClass'}, which deletes the volume with its claim`,
        );
      }
    }
    const policy = statefulSet.spec?.persistentVolumeClaimRetentionPolicy;
    if (policy?.whenDeleted !== 'Retain' || policy?.whenScaled !== 'Retain') {
      problems.push(`StatefulSet ${name}: persistentVolumeClaimRetentionPolicy is not Retain when deleted and scaled`);
    }
  }
  for (const claim of objects.filter((object) => object.kind === 'PersistentVolumeClaim')) {
    const storageClass = (claim as { spec?: { storageClassName?: string } }).spec?.storageClassName;
    if (!storageClass || !retain.has(storageClass))
      problems.push(`PersistentVolumeClaim ${claim.metadata.name} uses ${storageClass ?? 'the default StorageClass'}`);
  }
  for (const cluster of ofKind<CnpgCluster>(objects, 'Cluster')) {
    const storageClass = cluster.spec.storage?.storageClass;
    if (!storageClass || !retain.has(storageClass))
      problems.push(`Cluster ${cluster.metadata.name}: storage uses ${storageClass ?? 'the default StorageClass'}`);
  }
  return problems;
}

const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Nothing that owns the namespace deletes it: no Argo CD Application carries the cascading
 * resources finalizer or creates the namespace itself, and every Namespace (and database Cluster)
 * it syncs is marked Prune=false and Delete=false, so neither pruning nor deleting the
 * Application removes it with its volumes and Secrets.
 */
export function argoDeletionProblems(applications: K8sObject[], managed: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const application of applications) {
    const name = application.metadata.name;
    const finalizers = (application.metadata as { finalizers?: string[] }).finalizers ?? [];
    for (const finalizer of finalizers.filter((candidate) => candidate.includes('resources-finalizer'))) {
      problems.push(`Application ${name}: finalizer ${finalizer} deletes everything it synced, volumes included`);
    }
    const options = (application.spec as { syncPolicy?: { syncOptions?: string[] } }).syncPolicy?.syncOptions ?? [];
    if (options.includes('CreateNamespace=true'))
      problems.push(`Application ${name}: CreateNamespace=true makes Argo CD own the namespace`);
  }
  for (const object of managed.filter((candidate) => candidate.kind === 'Namespace' || candidate.kind === 'Cluster')) {
    const options = (object.metadata.annotations?.[ARGO_SYNC_OPTIONS] ?? '').split(',').map((option) => option.trim());
    for (const wanted of ['Prune=false', 'Delete=false']) {
      if (!options.includes(wanted))
        problems.push(`${object.kind} ${object.metadata.name}: no ${ARGO_SYNC_OPTIONS} ${wanted}`);
    }
  }
  return problems;
}

/** A command that destroys data: deleting a namespace, claims, volumes, database clusters or a whole overlay. */
const DESTRUCTIVE =
  /\bkubectl\b[^\n]*\bdelete\b[^\n]*\b(namespace|ns|pvc|persistentvolumeclaims?|pv|persistentvolumes?|clusters?(\.postgresql\.cnpg\.io)?|-k|-f)\b|\bdoctl\s+compute\s+volume\s+delete\b|\bskaffold\s+delete\b/;

/** The one heading under which data-destroying commands may appear in the documentation. */
export const DELIBERATE_DELETION_HEADING = 'Deleting data deliberately';

/**
 * Teardown commands in the documentation are safe: a command that deletes a namespace, volume
 * claims, volumes or database clusters appears only under the heading "Deleting data
 * deliberately", never as a casual clean-up step.
 */
export function teardownProblems(files: { path: string; text: string }[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    let heading = '';
    let inCode = false;
    for (const [index, line] of file.text.split('\n').entries()) {
      if (/^\s*```/.test(line)) inCode = !inCode;
      const title = /^#{1,6}\s+(.*)$/.exec(line);
      if (title && !inCode) heading = title[1] ?? '';
      const command = inCode ? line : [...line.matchAll(/`([^`]+)`/g)].map((match) => match[1]).join('\n');
      if (DESTRUCTIVE.test(command) && !heading.includes(DELIBERATE_DELETION_HEADING)) {
        problems.push(
          `${file.path}:${index + 1}: "${line.trim()}" deletes data outside "${DELIBERATE_DELETION_HEADING}"`,
        );
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/**
 * The services with a database of their own: those whose migrations/ folder their image copies
 * (auth, tickets, orders, payments, passes), read from the gateway's list so a new one counts.
 */
export const DATABASE_SERVICES = APP_NAMES.filter((app) => repoPathExists(`${app}/migrations`));
const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * Production's PostgreSQL: a CloudNativePG Cluster of at least three instances per service,
 * spread over nodes, with the operator's disruption budget, WAL archived by the Barman Cloud
 * plugin to an ObjectStore whose credentials come from a Secret, a ScheduledBackup per Cluster,
 * the service reading the operator's application Secret, and no single-instance StatefulSet left.
 */
export function postgresProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const clusters = ofKind<CnpgCluster>(objects, 'Cluster');
  const stores = new Map(
    objects
      .filter((object) => object.kind === 'ObjectStore')
      .map((store) => [store.metadata.name, store as K8sObject & { spec: Record<string, unknown> }]),
  );
  const schedules = objects.filter((object) => object.kind === 'ScheduledBackup') as (K8sObject & {
    spec: { cluster?: { name?: string }; method?: string; pluginConfiguration?: { name?: string }; schedule?: string };
  })[];
  for (const statefulSet of ofKind<IStatefulSet>(objects, 'StatefulSet')) {
    if (/-postgres$/.test(statefulSet.metadata?.name ?? ''))
      problems.push(`StatefulSet ${statefulSet.metadata?.name}: a single PostgreSQL instance in production`);
  }
  for (const service of DATABASE_SERVICES) {
    const name = `${service}-db`;
    const cluster = clusters.find((candidate) => candidate.metadata.name === name);
    if (!cluster) {
      problems.push(`no CloudNativePG Cluster ${name}`);
      continue;
    }
    const spec = cluster.spec;
    if ((spec.instances ?? 1) < 3) problems.push(`Cluster ${name}: ${spec.instances ?? 1} instance(s), expected 3`);
    if (spec.enablePDB === false) problems.push(`Cluster ${name}: enablePDB is false (no disruption budget)`);
    if (spec.affinity?.enablePodAntiAffinity === false || spec.affinity?.podAntiAffinityType !== 'required')
      problems.push(`Cluster ${name}: instances are not required on different nodes`);
    if (spec.inheritedMetadata?.labels?.['database-of'] !== service)
      problems.push(`Cluster ${name}: pods are not labelled database-of: ${service} (network policy)`);
    const archiver = (spec.plugins ?? []).find((plugin) => plugin.name === BARMAN_PLUGIN);
    if (!archiver?.isWALArchiver || archiver.enabled === false)
      problems.push(`Cluster ${name}: no WAL archiving (${BARMAN_PLUGIN} with isWALArchiver)`);
    const storeName = archiver?.parameters?.barmanObjectName;
    const store = storeName ? stores.get(storeName) : undefined;
    if (archiver && !store) problems.push(`Cluster ${name}: ObjectStore ${storeName} is not in the manifests`);
    const schedule = schedules.find((candidate) => candidate.spec.cluster?.name === name);
    if (!schedule) problems.push(`Cluster ${name}: no ScheduledBackup`);
    else if (schedule.spec.method !== 'plugin' || schedule.spec.pluginConfiguration?.name !== BARMAN_PLUGIN)
      problems.push(`ScheduledBackup ${schedule.metadata.name}: not taken by the Barman Cloud plugin`);
    else if ((schedule.spec.schedule ?? '').trim().split(/\s+/).length !== 6)
      problems.push(`ScheduledBackup ${schedule.metadata.name}: schedule needs six fields (seconds first)`);
    const deployment = ofKind<IDeployment>(objects, 'Deployment').find((d) => d.metadata?.name === `${service}-depl`);
    const url = (deployment ? appContainer(deployment) : undefined)?.env?.find(
      (variable) => variable.name === 'DATABASE_URL',
    );
    const ref = url?.valueFrom?.secretKeyRef;
    if (ref?.name !== `${name}-app` || ref.key !== 'uri')
      problems.push(`${service}: DATABASE_URL does not come from the operator's Secret ${name}-app (key uri)`);
  }
  for (const [storeName, store] of stores) {
    const configuration = (store.spec.configuration ?? {}) as {
      destinationPath?: string;
      s3Credentials?: { accessKeyId?: { name?: string }; secretAccessKey?: { name?: string } };
    };
    if (!/^s3:\/\/[^/]+\/.+/.test(configuration.destinationPath ?? ''))
      problems.push(`ObjectStore ${storeName}: destinationPath is not s3://<bucket>/<folder>`);
    if (!configuration.s3Credentials?.accessKeyId?.name || !configuration.s3Credentials.secretAccessKey?.name)
      problems.push(`ObjectStore ${storeName}: credentials do not come from a Secret`);
    if (!store.spec.retentionPolicy) problems.push(`ObjectStore ${storeName}: no retentionPolicy`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Monitoring

interface Monitor extends K8sObject {
  spec: {
    selector?: { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
    podMetricsEndpoints?: { port?: string; targetPort?: number | string }[];
    endpoints?: { port?: string }[];
  };
}

/** The pods the platform runs, with their labels and containers: Deployments, StatefulSets, and CloudNativePG instances. */
function platformPods(objects: K8sObject[]): { name: string; labels: Labels; containers: IContainer[] }[] {
  const workloads = [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IStatefulSet>(objects, 'StatefulSet')];
  return [
    ...workloads.map((workload) => ({
      name: workload.metadata?.name ?? '',
      labels: workload.spec?.template.metadata?.labels ?? {},
      containers: workload.spec?.template.spec?.containers ?? [],
    })),
    // The operator's instance pods expose PostgreSQL's metrics on the port named metrics (9187).
    ...ofKind<CnpgCluster>(objects, 'Cluster').map((cluster) => ({
      name: cluster.metadata.name,
      labels: {
        ...cluster.spec.inheritedMetadata?.labels,
        'cnpg.io/cluster': cluster.metadata.name,
        'cnpg.io/podRole': 'instance',
      },
      containers: [{ name: 'postgres', ports: [{ name: 'metrics', containerPort: 9187 }] }] as IContainer[],
    })),
  ];
}

/** Every workload of the namespace (apps, NATS, Redis, PostgreSQL) is scraped, on a port it declares. */
export function monitorProblems(objects: K8sObject[]): string[] {
  const monitors = objects.filter(
    (object) => object.kind === 'PodMonitor' || object.kind === 'ServiceMonitor',
  ) as Monitor[];
  const problems: string[] = [];
  for (const pod of platformPods(objects)) {
    const scraping = monitors.filter(
      (monitor) => monitor.kind === 'PodMonitor' && selects(monitor.spec.selector, pod.labels),
    );
    if (scraping.length === 0) {
      problems.push(`${pod.name}: no PodMonitor scrapes it`);
      continue;
    }
    for (const monitor of scraping) {
      for (const endpoint of monitor.spec.podMetricsEndpoints ?? []) {
        const declared = pod.containers.some((container) =>
          (container.ports ?? []).some(
            (port) => port.name === endpoint.port || port.containerPort === endpoint.targetPort,
          ),
        );
        if (!declared)
          problems.push(
            `${pod.name}: PodMonitor ${monitor.metadata.name} scrapes port ${endpoint.port ?? endpoint.targetPort}, which its pods do not declare`,
          );
      }
    }
  }
  return problems;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Labels; annotations?: Labels }[];
}

/** The alerts the operations guide promises (infra/README.md, "Answering the alerts"). */
export const REQUIRED_ALERTS = [
  'TicketingHigh5xxRatio',
  'TicketingHighLatencyP99',
  'TicketingPodsNotReady',
  'TicketingDependencyDown',
  'TicketingConsumerPendingGrowing',
  'TicketingConsumerAckPendingGrowing',
  'TicketingOutboxBacklogOld',
  'TicketingOutboxParked',
  'TicketingDeadLettersParked',
  'TicketingRefundFailed',
  'TicketingPayoutFailed',
  'TicketingPayoutReversalStuck',
  'TicketingReconcilerBehind',
  'TicketingExpirationQueueDeep',
  'TicketingSessionRevocationsStale',
  'TicketingRateLimitsNotShared',
  'TicketingPassScansInvalid',
  'TicketingPassResaleConflict',
  'TicketingPostgresReplicationLag',
  'TicketingPostgresBackupFailed',
  'TicketingPostgresBackupTooOld',
];

/** The metrics other teams are adding, which the rules must name exactly (and in one place). */
export const AGREED_METRICS = [
  'ticketing_dead_letters_parked',
  'ticketing_outbox_parked',
  'ticketing_outbox_oldest_pending_seconds',
  'ticketing_refunds_failed',
  'payments_payouts_failed',
  'payments_payout_reversals_due',
  'ticketing_reconciler_oldest_unsettled_seconds',
  'ticketing_expiration_queue_depth',
  'ticketing_session_revocations_read_age_seconds',
  'ticketing_rate_limit_fallback_total',
  'passes_scans_refused_total',
  'passes_resale_conflicts_total',
];

const INPUTS_GROUP = 'ticketing-inputs';

/** The metric names a PromQL expression reads: grouping labels, label matchers and strings left out. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1] ?? '');
  return [...new Set(names.filter((name) => name.includes('_') || name.includes(':')))];
}

/** GitHub's anchor of a Markdown heading. */
export const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/**
 * The alert rules: every promised alert exists, with a severity, a summary, a description and a
 * runbook_url whose anchor is a heading of infra/README.md; alerts read only ticketing:* series,
 * and every raw metric is named once, by a recording rule of the inputs group.
 */
export function alertRuleProblems(groups: RuleGroup[], readme: string): string[] {
  const problems: string[] = [];
  const anchors = new Set([...readme.matchAll(/^#{1,6}\s+(.*)$/gm)].map((match) => anchorOf(match[1] ?? '')));
  const alerts = groups.flatMap((group) => group.rules.filter((rule) => rule.alert));
  const inputs = groups.find((group) => group.name === INPUTS_GROUP);
  if (!inputs) problems.push(`no recording group ${INPUTS_GROUP}`);
  for (const wanted of REQUIRED_ALERTS)
    if (!alerts.some((rule) => rule.alert === wanted)) problems.push(`alert ${wanted} is missing`);
  for (const rule of alerts) {
    const at = `alert ${rule.alert}`;
    if (!['critical', 'warning'].includes(rule.labels?.severity ?? ''))
      problems.push(`${at}: severity is not critical or warning`);
    for (const annotation of ['summary', 'description', 'runbook_url'])
      if (!rule.annotations?.[annotation]) problems.push(`${at}: no ${annotation} annotation`);
    const anchor = /infra\/README\.md#([\w-]+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
    if (!anchor || !anchors.has(anchor))
      problems.push(`${at}: runbook_url does not point at a heading of infra/README.md`);
    const raw = metricNames(rule.expr).filter((name) => !name.startsWith('ticketing:'));
    if (raw.length > 0) problems.push(`${at}: reads ${raw.join(', ')} directly; record it in ${INPUTS_GROUP}`);
  }
  const recorded = (inputs?.rules ?? []).map((rule) => rule.expr).join('\n');
  for (const metric of AGREED_METRICS) {
    const uses = groups.flatMap((group) => group.rules).filter((rule) => new RegExp(`\\b${metric}\\b`).test(rule.expr));
    if (uses.length !== 1 || !new RegExp(`\\b${metric}\\b`).test(recorded))
      problems.push(`${metric}: named ${uses.length} time(s); expected once, in ${INPUTS_GROUP}`);
  }
  return problems;
}

export const PROMTOOL_INSTALL = 'apt-get install -y prometheus';

/** Whether promtool is on the PATH. */
export function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs `promtool check rules` on the groups and `promtool test rules` on each test file, in a
 * temporary directory where the groups are rules.yaml. Returns promtool's output and whether both passed.
 */
export function runPromtool(
  groups: RuleGroup[],
  tests: { name: string; text: string }[],
): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ticketing-rules-'));
  try {
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
    const outputs: string[] = [];
    let ok = true;
    const run = (args: string[]) => {
      const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
      outputs.push(`$ promtool ${args.join(' ')}\n${result.stdout}${result.stderr}`);
      if (result.status !== 0) ok = false;
    };
    run(['check', 'rules', 'rules.yaml']);
    for (const test of tests) {
      writeFileSync(path.join(dir, test.name), test.text);
      run(['test', 'rules', test.name]);
    }
    return { ok, output: outputs.join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rule groups of the PrometheusRule objects. */
export const ruleGroupsOf = (objects: K8sObject[]): RuleGroup[] =>
  objects
    .filter((object) => object.kind === 'PrometheusRule')
    .flatMap((rule) => (rule.spec as { groups: RuleGroup[] }).groups);

/**
 * The Grafana dashboard: a ConfigMap labelled grafana_dashboard=1 whose JSON parses, has a uid,
 * and whose panels query only series the rules record or the apps and exporters export.
 */
export function dashboardProblems(objects: K8sObject[], knownMetrics: Set<string>): string[] {
  const maps = ofKind<IConfigMap>(objects, 'ConfigMap').filter(
    (map) => map.metadata?.labels?.grafana_dashboard === '1',
  );
  if (maps.length === 0) return ['no ConfigMap labelled grafana_dashboard=1'];
  const problems: string[] = [];
  for (const map of maps) {
    for (const [file, text] of Object.entries(map.data ?? {})) {
      let dashboard: { uid?: string; panels?: { title?: string; targets?: { expr?: string }[] }[] };
      try {
        dashboard = JSON.parse(text);
      } catch (error) {
        problems.push(`${file}: not JSON (${(error as Error).message})`);
        continue;
      }
      if (!dashboard.uid) problems.push(`${file}: no uid`);
      const targets = (dashboard.panels ?? []).flatMap((panel) =>
        (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr ?? '' })),
      );
      if (targets.length === 0) problems.push(`${file}: no queries`);
      for (const { panel, expr } of targets) {
        for (const name of metricNames(expr)) {
          if (!knownMetrics.has(name))
            problems.push(`${file}: panel "${panel}" queries ${name}, which nothing records or exports`);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Capacity

const CPU = (value: string | number | undefined): number => {
  if (value === undefined) return 0;
  const text = String(value);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
};
const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9, '': 1 };
/** A memory quantity in MiB. */
export const MEMORY = (value: string | number | undefined): number => {
  if (value === undefined) return 0;
  const match = /^([\d.]+)([KMG]i?|k)?$/.exec(String(value));
  return match ? (Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1)) / 2 ** 20 : Number.NaN;
};

/** maxmemory of a redis.conf in MiB (redis reads mb as 1024², m as 10⁶ bytes). */
export function redisMaxMemoryMiB(conf: string): number | undefined {
  const match = /^maxmemory\s+(\d+)(mb|gb|m|g)?\s*$/im.exec(conf);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  return unit === 'mb'
    ? value
    : unit === 'gb'
      ? value * 1024
      : unit === 'm'
        ? (value * 1e6) / 2 ** 20
        : unit === 'g'
          ? (value * 1e9) / 2 ** 20
          : value / 2 ** 20;
}

/** Redis' maxmemory stays under half of its container's memory limit (an AOF rewrite forks). */
export function redisMemoryProblems(objects: K8sObject[]): string[] {
  const redis = ofKind<IStatefulSet>(objects, 'StatefulSet').find((set) => set.metadata?.name === 'redis');
  const container = redis?.spec?.template.spec?.containers.find((candidate) => candidate.name === 'redis');
  const conf =
    ofKind<IConfigMap>(objects, 'ConfigMap').find((map) => map.metadata?.name?.startsWith('redis-config'))?.data?.[
      'redis.conf'
    ] ?? '';
  const maxMemory = redisMaxMemoryMiB(conf);
  const limit = MEMORY(container?.resources?.limits?.memory as string | undefined);
  if (maxMemory === undefined) return ['redis.conf sets no maxmemory'];
  if (!limit) return ['the redis container has no memory limit'];
  return maxMemory <= limit / 2 ? [] : [`Redis maxmemory ${maxMemory} MiB is more than half of its ${limit} MiB limit`];
}

/**
 * The autoscalers act on a sensible signal: a CPU target between 50 and 80% of a request of at
 * least 50m (below that a single request's work swings the ratio), a ceiling above the floor.
 */
export function autoscalerProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const deployments = new Map(ofKind<IDeployment>(objects, 'Deployment').map((d) => [d.metadata?.name, d]));
  for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
    const name = hpa.metadata?.name;
    const deployment = deployments.get(hpa.spec?.scaleTargetRef.name);
    const cpu = hpa.spec?.metrics?.find((metric) => metric.resource?.name === 'cpu')?.resource?.target;
    if (cpu?.type !== 'Utilization' || (cpu.averageUtilization ?? 0) < 50 || (cpu.averageUtilization ?? 0) > 80)
      problems.push(`${name}: CPU target is not a utilization between 50 and 80%`);
    const request = CPU(
      (deployment ? appContainer(deployment) : undefined)?.resources?.requests?.cpu as string | undefined,
    );
    if (request < 50) problems.push(`${name}: its Deployment requests ${request}m CPU, too little to scale on`);
    if ((hpa.spec?.maxReplicas ?? 0) <= (hpa.spec?.minReplicas ?? 1))
      problems.push(`${name}: maxReplicas is not above minReplicas`);
  }
  return problems;
}

export interface Footprint {
  cpu: number;
  memory: number;
}

const add = (a: Footprint, b: Footprint): Footprint => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
const times = (a: Footprint, n: number): Footprint => ({ cpu: a.cpu * n, memory: a.memory * n });
const requestsOf = (containers: { resources?: { requests?: Record<string, unknown> } }[]): Footprint =>
  containers.reduce<Footprint>(
    (sum, container) =>
      add(sum, {
        cpu: CPU(container.resources?.requests?.cpu as string | undefined),
        memory: MEMORY(container.resources?.requests?.memory as string | undefined),
      }),
    { cpu: 0, memory: 0 },
  );

/**
 * What an environment requests (millicores, MiB) with every autoscaler at its maximum (`at:
 * 'max'`) or minimum: Deployments × replicas, StatefulSets × replicas, CloudNativePG instances
 * with the Barman Cloud sidecar.
 */
export function environmentRequests(objects: K8sObject[], at: 'max' | 'min'): Footprint {
  const hpas = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
  const sidecar = objects.find((object) => object.kind === 'ObjectStore') as
    | (K8sObject & { spec: { instanceSidecarConfiguration?: { resources?: { requests?: Record<string, string> } } } })
    | undefined;
  const sidecarRequests = requestsOf([{ resources: sidecar?.spec.instanceSidecarConfiguration?.resources }]);
  let total: Footprint = { cpu: 0, memory: 0 };
  for (const deployment of ofKind<IDeployment>(objects, 'Deployment')) {
    const hpa = hpas.find((candidate) => candidate.spec?.scaleTargetRef.name === deployment.metadata?.name);
    const replicas = hpa
      ? at === 'max'
        ? hpa.spec?.maxReplicas
        : (hpa.spec?.minReplicas ?? 1)
      : (deployment.spec?.replicas ?? 1);
    total = add(total, times(requestsOf(deployment.spec?.template.spec?.containers ?? []), replicas ?? 1));
  }
  for (const statefulSet of ofKind<IStatefulSet>(objects, 'StatefulSet'))
    total = add(
      total,
      times(requestsOf(statefulSet.spec?.template.spec?.containers ?? []), statefulSet.spec?.replicas ?? 1),
    );
  for (const cluster of ofKind<CnpgCluster>(objects, 'Cluster'))
    total = add(
      total,
      times(add(requestsOf([{ resources: cluster.spec.resources }]), sidecarRequests), cluster.spec.instances ?? 1),
    );
  return total;
}

/**
 * What a DigitalOcean Kubernetes node of each size offers pods (millicores, MiB): DigitalOcean's
 * table of allocatable memory per node size, and the vCPUs less what the kubelet and the system
 * daemons (cilium, csi, konnectivity, do-node-agent) request on every node.
 */
export const DOKS_ALLOCATABLE: Record<string, Footprint> = {
  's-2vcpu-4gb': { cpu: 2000 - 300, memory: 2.5 * 1024 - 400 },
  's-4vcpu-8gb': { cpu: 4000 - 300, memory: 6 * 1024 - 400 },
  's-8vcpu-16gb': { cpu: 8000 - 300, memory: 13 * 1024 - 400 },
};

/**
 * What the cluster's add-ons request, as installed by infra/README.md: ingress-nginx (two
 * controllers), cert-manager, the CloudNativePG operator and its Barman Cloud plugin,
 * metrics-server, kube-prometheus-stack (Prometheus, Alertmanager, Grafana, kube-state-metrics,
 * the operator, a node-exporter per node), CoreDNS. Rounded up from their charts' defaults.
 */
export const ADD_ONS: Footprint = {
  cpu: 2 * 100 + 30 + 100 + 100 + 100 + 1000 + 200,
  memory: 2 * 128 + 192 + 256 + 128 + 200 + 3072 + 280,
};
/** What every node runs besides (node-exporter). */
export const PER_NODE: Footprint = { cpu: 50, memory: 64 };

/**
 * The node pool fits the worst case: production with every autoscaler at its maximum, staging
 * and development at their minimum, and the add-ons, on max_nodes nodes, with 10% left for
 * rolling updates (each Deployment adds a pod before removing one).
 */
export function capacityProblems(
  environments: { prod: Footprint; staging: Footprint; dev: Footprint },
  pool: { size: string; maxNodes: number; minNodes: number },
): string[] {
  const node = DOKS_ALLOCATABLE[pool.size];
  if (!node) return [`no allocatable figures for node size ${pool.size}`];
  const need = add(
    add(add(environments.prod, environments.staging), add(environments.dev, ADD_ONS)),
    times(PER_NODE, pool.maxNodes),
  );
  const offered = times(node, pool.maxNodes * 0.9);
  const problems: string[] = [];
  if (need.cpu > offered.cpu)
    problems.push(
      `${pool.maxNodes} × ${pool.size} offer ${Math.round(offered.cpu)}m CPU (90%), the worst case requests ${Math.round(need.cpu)}m`,
    );
  if (need.memory > offered.memory)
    problems.push(
      `${pool.maxNodes} × ${pool.size} offer ${Math.round(offered.memory)} MiB (90%), the worst case requests ${Math.round(need.memory)} MiB`,
    );
  if (pool.minNodes < 3)
    problems.push(`min_nodes ${pool.minNodes}: the three NATS servers and PostgreSQL instances need three nodes`);
  return problems;
}

/** node_size, min_nodes and max_nodes defaults of infra/terraform/variables.tf. */
export function terraformPool(variables: string): { size: string; maxNodes: number; minNodes: number } {
  const defaultOf = (name: string) =>
    new RegExp(`variable "${name}" \\{[\\s\\S]*?default\\s*=\\s*"?([\\w-]+)"?`).exec(variables)?.[1] ?? '';
  return {
    size: defaultOf('node_size'),
    maxNodes: Number(defaultOf('max_nodes')),
    minNodes: Number(defaultOf('min_nodes')),
  };
}
