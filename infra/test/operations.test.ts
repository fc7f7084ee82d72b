import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { appContainer } from './lib/checks';
import { schemaProblems } from './lib/k8s-schema';
import { byName, type K8sObject, ofKind, parseYamlDocuments, render } from './lib/kustomize';
import {
  alertRuleProblems,
  argoDeletionProblems,
  autoscalerProblems,
  capacityProblems,
  DELIBERATE_DELETION_HEADING,
  dashboardProblems,
  environmentRequests,
  hasPromtool,
  monitorProblems,
  PROMTOOL_INSTALL,
  postgresProblems,
  type RuleGroup,
  redisMemoryProblems,
  ruleGroupsOf,
  runPromtool,
  storageProblems,
  teardownProblems,
  terraformPool,
} from './lib/operations';
import { APP_NAMES, listRepoFiles, readRepoFile } from './lib/repo';

const PRODUCTION = ['infra/k8s-prod', 'infra/k8s-staging'] as const;
const clone = <T>(value: T): T => structuredClone(value);

describe('data that survives', () => {
  it.each(PRODUCTION)(
    '%s keeps every data volume when its claim is deleted (Retain), NATS, Redis and PostgreSQL alike',
    (overlay) => {
      expect(storageProblems(render(overlay))).toEqual([]);
    },
  );

  it('reports a volume on the default (Delete) class, a StatefulSet that deletes its claims, and a Cluster on the default class', () => {
    const objects = render('infra/k8s-prod');
    const nats = byName<IStatefulSet>(objects, 'StatefulSet', 'nats');
    delete nats.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName;
    const redis = byName<IStatefulSet>(objects, 'StatefulSet', 'redis');
    if (redis.spec) redis.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    const orders = byName<K8sObject & { spec: { storage: { storageClass?: string } } }>(
      objects,
      'Cluster',
      'orders-db',
    );
    orders.spec.storage.storageClass = 'do-block-storage';
    expect(storageProblems(objects)).toEqual([
      'StatefulSet nats: volume data uses the default StorageClass, which deletes the volume with its claim',
      'StatefulSet redis: persistentVolumeClaimRetentionPolicy is not Retain when deleted and scaled',
      'Cluster orders-db: storage uses do-block-storage',
    ]);
  });

  const applications = () =>
    listRepoFiles('infra/argocd').flatMap((file) => parseYamlDocuments(readRepoFile(file), file) as K8sObject[]);
  const synced = () =>
    ['infra/k8s-prod', 'infra/k8s-staging', 'infra/k8s-dev-cluster'].flatMap((overlay) => render(overlay));

  it('lets no Argo CD Application delete a namespace: no cascading finalizer, no CreateNamespace, namespaces and databases marked Prune=false, Delete=false', () => {
    expect(argoDeletionProblems(applications(), synced())).toEqual([]);
  });

  it('reports the cascading finalizer on the production Application and a namespace Argo CD may prune', () => {
    const apps = applications().map(clone);
    const prod = apps.find((app) => app.metadata.name === 'ticketing-prod');
    if (!prod) throw new Error('no ticketing-prod Application');
    (prod.metadata as { finalizers?: string[] }).finalizers = ['resources-finalizer.argocd.argoproj.io'];
    const objects = render('infra/k8s-prod');
    const namespace = byName(objects, 'Namespace', 'ticketing');
    if (namespace.metadata.annotations)
      namespace.metadata.annotations['argocd.argoproj.io/sync-options'] = 'Delete=false';
    expect(argoDeletionProblems(apps, objects)).toEqual([
      'Application ticketing-prod: finalizer resources-finalizer.argocd.argoproj.io deletes everything it synced, volumes included',
      'Namespace ticketing: no argocd.argoproj.io/sync-options Prune=false',
    ]);
  });

  const docs = () => ['README.md', 'infra/README.md'].map((file) => ({ path: file, text: readRepoFile(file) }));

  it(`keeps the documentation's data-destroying commands under "${DELIBERATE_DELETION_HEADING}"`, () => {
    expect(teardownProblems(docs())).toEqual([]);
    expect(readRepoFile('infra/README.md')).toContain(`### ${DELIBERATE_DELETION_HEADING}`);
  });

  it('reports a casual namespace deletion as a clean-up step', () => {
    const text = '## Local Kubernetes\n\nCtrl-C stops it.\n\n```sh\nkubectl delete namespace ticketing-dev\n```\n';
    expect(teardownProblems([{ path: 'README.md', text }])).toEqual([
      'README.md:6: "kubectl delete namespace ticketing-dev" deletes data outside "Deleting data deliberately"',
    ]);
    const inline = '## Clean up\n\nRun `kubectl -n ticketing delete pvc --all` when done.\n';
    expect(teardownProblems([{ path: 'x.md', text: inline }])).toHaveLength(1);
  });
});

describe('PostgreSQL: highly available and backed up', () => {
  it.each(PRODUCTION)(
    '%s runs a CloudNativePG Cluster of three per service, archiving WAL and backing up nightly to Spaces',
    (overlay) => {
      expect(postgresProblems(render(overlay))).toEqual([]);
    },
  );

  it('keeps one small single instance per service in development', () => {
    for (const overlay of ['infra/k8s-dev', 'infra/k8s-dev-cluster']) {
      const databases = ofKind<IStatefulSet>(render(overlay), 'StatefulSet').filter((set) =>
        set.metadata?.name?.endsWith('-postgres'),
      );
      expect(databases.map((set) => [set.metadata?.name, set.spec?.replicas])).toEqual([
        ['auth-postgres', 1],
        ['orders-postgres', 1],
        ['passes-postgres', 1],
        ['payments-postgres', 1],
        ['tickets-postgres', 1],
      ]);
      expect(ofKind(render(overlay), 'Cluster')).toEqual([]);
    }
  });

  it('archives staging and production into different folders of the bucket', () => {
    const path = (overlay: string) =>
      (byName(render(overlay), 'ObjectStore', 'spaces-backups').spec as { configuration: { destinationPath: string } })
        .configuration.destinationPath;
    expect(path('infra/k8s-prod')).toMatch(/^s3:\/\/[^/]+\/ticketing$/);
    expect(path('infra/k8s-staging')).toMatch(/^s3:\/\/[^/]+\/ticketing-staging$/);
  });

  it('reports a single instance, no WAL archiving, a missing schedule, a leftover StatefulSet and hand-made credentials', () => {
    const objects = render('infra/k8s-prod').filter(
      (object) => !(object.kind === 'ScheduledBackup' && object.metadata.name === 'payments-db-nightly'),
    );
    const orders = byName<K8sObject & { spec: { instances: number; plugins: unknown[] } }>(
      objects,
      'Cluster',
      'orders-db',
    );
    orders.spec.instances = 1;
    const auth = byName<K8sObject & { spec: { plugins: unknown[] } }>(objects, 'Cluster', 'auth-db');
    auth.spec.plugins = [];
    const tickets = appContainer(byName<IDeployment>(objects, 'Deployment', 'tickets-depl'));
    const url = tickets?.env?.find((variable) => variable.name === 'DATABASE_URL');
    if (url?.valueFrom?.secretKeyRef) url.valueFrom.secretKeyRef = { name: 'tickets-db-secret', key: 'DATABASE_URL' };
    const leftover = clone(byName(render('infra/k8s'), 'StatefulSet', 'orders-postgres'));
    expect(postgresProblems([...objects, leftover])).toEqual([
      'StatefulSet orders-postgres: a single PostgreSQL instance in production',
      'Cluster auth-db: no WAL archiving (barman-cloud.cloudnative-pg.io with isWALArchiver)',
      "tickets: DATABASE_URL does not come from the operator's Secret tickets-db-app (key uri)",
      'Cluster orders-db: 1 instance(s), expected 3',
      'Cluster payments-db: no ScheduledBackup',
    ]);
  });

  it('validates the Cluster, ScheduledBackup and ObjectStore against the vendored CRD schemas: a misspelt field, a wrong enum and a bad retention are reported', () => {
    const objects = render('infra/k8s-prod');
    const cluster = clone(byName<K8sObject & { spec: Record<string, unknown> }>(objects, 'Cluster', 'orders-db'));
    expect(schemaProblems(cluster)).toEqual([]);
    cluster.spec.instance = 3;
    cluster.spec.primaryUpdateStrategy = 'automatic';
    expect(schemaProblems(cluster)).toEqual([
      'Cluster orders-db: /spec/instance: must NOT have additional properties',
      'Cluster orders-db: /spec/primaryUpdateStrategy: must be equal to one of the allowed values',
    ]);
    const store = clone(
      byName<K8sObject & { spec: Record<string, unknown> }>(objects, 'ObjectStore', 'spaces-backups'),
    );
    store.spec.retentionPolicy = '30 days';
    expect(schemaProblems(store)).toEqual([
      'ObjectStore spaces-backups: /spec/retentionPolicy: must match pattern "^[1-9][0-9]*[dwm]$"',
    ]);
    const schedule = clone(
      byName<K8sObject & { spec: Record<string, unknown> }>(objects, 'ScheduledBackup', 'orders-db-nightly'),
    );
    schedule.spec.method = 'snapshot';
    expect(schemaProblems(schedule)).toEqual([
      'ScheduledBackup orders-db-nightly: /spec/method: must be equal to one of the allowed values',
    ]);
  });
});

describe('observability', () => {
  const prod = () => render('infra/k8s-prod');
  const groups = () => ruleGroupsOf(prod());
  const readme = () => readRepoFile('infra/README.md');

  it('scrapes every app, NATS (exporter), Redis (exporter) and every PostgreSQL instance, on ports the pods declare', () => {
    expect(monitorProblems(prod())).toEqual([]);
  });

  it('reports a workload nobody scrapes and a monitor on a port the pods lack', () => {
    const objects = prod().filter((object) => !(object.kind === 'PodMonitor' && object.metadata.name === 'nats'));
    const client = byName<K8sObject & { spec: { podMetricsEndpoints: { port: string }[] } }>(
      objects,
      'PodMonitor',
      'ticketing-client',
    );
    if (client.spec.podMetricsEndpoints[0]) client.spec.podMetricsEndpoints[0].port = 'prometheus';
    expect(monitorProblems(objects)).toEqual([
      'client-depl: PodMonitor ticketing-client scrapes port prometheus, which its pods do not declare',
      'nats: no PodMonitor scrapes it',
    ]);
  });

  it('has every promised alert with severity, summary, description and a runbook in infra/README.md; the raw metrics are named once, in the inputs group', () => {
    expect(alertRuleProblems(groups(), readme())).toEqual([]);
  });

  it('reports a missing alert, a runbook that is not in the README, an alert that reads a raw metric, and an agreed metric named twice', () => {
    const broken = clone(groups());
    const alerts = broken.find((group) => group.name === 'ticketing') as RuleGroup;
    alerts.rules = alerts.rules.filter((rule) => rule.alert !== 'TicketingRefundFailed');
    const dead = alerts.rules.find((rule) => rule.alert === 'TicketingDeadLettersParked');
    if (dead?.annotations) {
      dead.annotations.runbook_url = 'https://example.com/runbooks#dead-letters';
      dead.expr = 'sum(ticketing_dead_letters_parked) > 0';
    }
    expect(alertRuleProblems(broken, readme())).toEqual([
      'alert TicketingRefundFailed is missing',
      'alert TicketingDeadLettersParked: runbook_url does not point at a heading of infra/README.md',
      'alert TicketingDeadLettersParked: reads ticketing_dead_letters_parked directly; record it in ticketing-inputs',
      'ticketing_dead_letters_parked: named 2 time(s); expected once, in ticketing-inputs',
    ]);
  });

  const testFiles = () =>
    listRepoFiles('infra/k8s-prod/monitoring/tests').map((file) => ({
      name: file.split('/').pop() ?? file,
      text: readRepoFile(file),
    }));

  const promtool = () => {
    if (!hasPromtool()) {
      throw new Error(`promtool is missing (Debian's prometheus package). Install it with: sudo ${PROMTOOL_INSTALL}`);
    }
  };

  it('passes promtool check rules and the unit tests of the key alerts (promtool test rules)', () => {
    promtool();
    expect(testFiles().length).toBeGreaterThan(0);
    const result = runPromtool(groups(), testFiles());
    expect(result.output).toMatch(/SUCCESS/);
    if (!result.ok) throw new Error(result.output);
  });

  it('fails promtool on a rule that does not parse, and on an alert that no longer fires as its unit test expects', () => {
    promtool();
    const unparsable = clone(groups());
    const first = unparsable[1]?.rules[0];
    if (first) first.expr = 'sum by (service (rate(x[5m]))';
    expect(runPromtool(unparsable, []).ok).toBe(false);
    const weakened = clone(groups());
    const outbox = weakened[1]?.rules.find((rule) => rule.alert === 'TicketingOutboxBacklogOld');
    if (outbox) outbox.expr = 'ticketing:outbox_oldest_pending_seconds > 3600';
    const result = runPromtool(weakened, testFiles());
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/TicketingOutboxBacklogOld/);
  });

  /** Series the dashboard may query: what the rules record, what the apps export, and the exporters' and processes' own. */
  const knownMetrics = () => {
    const recorded = groups().flatMap((group) => group.rules.map((rule) => rule.record ?? ''));
    const exported = listRepoFiles('.')
      .filter((file) => new RegExp(`^(${['common', ...APP_NAMES].join('|')})/src/.*\\.ts$`).test(file))
      .flatMap((file) => [...readRepoFile(file).matchAll(/name: '([a-z_]+)'/g)].map((match) => match[1] ?? ''));
    return new Set([
      ...recorded,
      ...exported,
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'gnatsd_varz_connections',
    ]);
  };

  it('ships a Grafana dashboard (golden signals, event flow) as a ConfigMap, querying only series that exist', () => {
    expect(dashboardProblems(prod(), knownMetrics())).toEqual([]);
    const dashboard = ofKind<IConfigMap>(prod(), 'ConfigMap').find(
      (map) => map.metadata?.name === 'ticketing-dashboard',
    );
    const titles = (JSON.parse(dashboard?.data?.['ticketing.json'] ?? '{}').panels as { title: string }[]).map(
      (p) => p.title,
    );
    expect(titles).toEqual(expect.arrayContaining(['Errors: 5xx ratio', 'Latency: p99', 'Consumers: pending']));
  });

  it('reports a dashboard panel that queries a metric nothing exports', () => {
    const objects = prod();
    const map = ofKind<IConfigMap>(objects, 'ConfigMap').find(
      (candidate) => candidate.metadata?.name === 'ticketing-dashboard',
    );
    if (!map?.data) throw new Error('no dashboard');
    const dashboard = JSON.parse(map.data['ticketing.json'] ?? '{}');
    dashboard.panels[1].targets[0].expr = 'rate(http_requests_total[5m])';
    map.data['ticketing.json'] = JSON.stringify(dashboard);
    expect(dashboardProblems(objects, knownMetrics())).toEqual([
      'ticketing.json: panel "Traffic: requests per second" queries http_requests_total, which nothing records or exports',
    ]);
  });
});

describe('capacity', () => {
  it('scales on a CPU target of 50-80% of requests that were measured', () => {
    expect(autoscalerProblems(render('infra/k8s-prod'))).toEqual([]);
    const objects = render('infra/k8s-prod');
    const hpa = byName<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'orders-hpa');
    const target = hpa.spec?.metrics?.[0]?.resource?.target;
    if (target) target.averageUtilization = 95;
    const auth = appContainer(byName<IDeployment>(objects, 'Deployment', 'auth-depl'));
    if (auth?.resources?.requests) auth.resources.requests.cpu = '10m';
    expect(autoscalerProblems(objects)).toEqual([
      'auth-hpa: its Deployment requests 10m CPU, too little to scale on',
      'orders-hpa: CPU target is not a utilization between 50 and 80%',
    ]);
  });

  it.each(['infra/k8s', 'infra/k8s-dev', 'infra/k8s-prod'])(
    '%s keeps Redis maxmemory under half of its memory limit',
    (overlay) => {
      expect(redisMemoryProblems(render(overlay))).toEqual([]);
    },
  );

  it('reports a maxmemory close to the limit', () => {
    const objects = render('infra/k8s');
    const map = ofKind<IConfigMap>(objects, 'ConfigMap').find((candidate) =>
      candidate.metadata?.name?.startsWith('redis-config'),
    );
    if (map?.data)
      map.data['redis.conf'] = (map.data['redis.conf'] ?? '').replace(/^maxmemory \S+$/m, 'maxmemory 480mb');
    expect(redisMemoryProblems(objects)).toEqual(['Redis maxmemory 480 MiB is more than half of its 512 MiB limit']);
  });

  const environments = () => ({
    prod: environmentRequests(render('infra/k8s-prod'), 'max'),
    staging: environmentRequests(render('infra/k8s-staging'), 'min'),
    dev: environmentRequests(render('infra/k8s-dev-cluster'), 'min'),
  });

  it("fits production at its autoscalers' maxima, staging and dev at their minima, and the add-ons on the node pool Terraform creates", () => {
    const pool = terraformPool(readRepoFile('infra/terraform/variables.tf'));
    expect(pool).toEqual({ size: 's-4vcpu-8gb', minNodes: 3, maxNodes: 6 });
    expect(capacityProblems(environments(), pool)).toEqual([]);
  });

  it('reports the former pool of five 2-vCPU nodes, which the worst case does not fit', () => {
    const problems = capacityProblems(environments(), { size: 's-2vcpu-4gb', minNodes: 3, maxNodes: 5 });
    expect(problems.join('\n')).toMatch(/5 × s-2vcpu-4gb offer \d+ MiB \(90%\), the worst case requests \d+ MiB/);
  });

  const haPatch = () =>
    parse(readRepoFile('infra/cluster/ingress-nginx/controller-ha.patch.yaml')) as {
      spec: {
        replicas: number;
        template: {
          spec: {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  topologyKey: string;
                  labelSelector: { matchLabels: Record<string, string> };
                }[];
              };
            };
          };
        };
      };
    };

  it('runs two ingress-nginx controllers on different nodes, with a disruption budget that selects them', () => {
    const patch = haPatch();
    expect(patch.spec.replicas).toBeGreaterThanOrEqual(2);
    const [term] = patch.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(term?.topologyKey).toBe('kubernetes.io/hostname');
    const objects = render('infra/k8s-prod');
    const pdb = byName<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', 'ingress-nginx-controller');
    const service = byName<IService>(objects, 'Service', 'ingress-nginx-controller');
    expect(pdb.metadata?.namespace).toBe('ingress-nginx');
    expect(pdb.spec?.selector?.matchLabels).toEqual(service.spec?.selector);
    expect(term?.labelSelector.matchLabels).toEqual(service.spec?.selector);
    expect(pdb.spec?.minAvailable).toBeLessThan(patch.spec.replicas);
  });

  it('documents the install order (CloudNativePG, Prometheus Operator, metrics-server for the autoscalers, ingress) and applies the ingress-nginx patch', () => {
    const readme = readRepoFile('infra/README.md');
    const text = readme.slice(readme.indexOf("**The cluster's add-ons, in this order**"));
    const order = ['CloudNativePG operator', 'Prometheus Operator', 'metrics-server', 'ingress-nginx'].map((step) =>
      text.indexOf(`**${step}`),
    );
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(
      /kubectl apply -f https:\/\/github\.com\/kubernetes-sigs\/metrics-server\/releases\/download\/v[\d.]+\/components\.yaml/,
    );
    expect(text).toContain('--patch-file infra/cluster/ingress-nginx/controller-ha.patch.yaml');
    expect(ofKind(render('infra/k8s-prod'), 'HorizontalPodAutoscaler').length).toBeGreaterThan(0);
  });
});
