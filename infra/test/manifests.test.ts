import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  clusterNatsAuthorizationConfig,
  EVENT_OWNER_NAMES,
  natsPasswordVariable,
  OPERATOR_USER,
} from '@ticketing/common/nats-permissions';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { deploymentProblems, podSecurityProblems, providedEnv } from './lib/checks';
import { preloadDeclarations, schemaProblems } from './lib/k8s-schema';
import { byName, type K8sObject, ofKind, parseYamlDocuments, render } from './lib/kustomize';
import { APP_NAMES, listRepoFiles, readRepoFile } from './lib/repo';

const OVERLAYS = [
  'infra/k8s',
  'infra/k8s-dev',
  'infra/k8s-dev-cluster',
  'infra/k8s-staging',
  'infra/k8s-prod',
] as const;
/** Cluster-scoped kinds; everything else must name its namespace (kubectl apply would use the current one). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterIssuer', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass']);

beforeAll(() => {
  preloadDeclarations(OVERLAYS.flatMap((overlay) => render(overlay)));
});

describe.each(OVERLAYS)('%s', (overlay) => {
  const objects = (): K8sObject[] => render(overlay);

  it('renders with kubectl kustomize', () => {
    expect(objects().length).toBeGreaterThan(20);
  });

  it('validates every object against the Kubernetes schemas, unknown fields included', () => {
    expect(objects().flatMap(schemaProblems)).toEqual([]);
  });

  it('puts every namespaced object in a namespace', () => {
    const loose = objects().filter((object) => !CLUSTER_SCOPED.has(object.kind) && !object.metadata.namespace);
    expect(loose.map((object) => `${object.kind} ${object.metadata.name}`)).toEqual([]);
  });

  it('has a Deployment and a Service on port 3000 for each app of scripts/lib/services.mjs', () => {
    for (const app of APP_NAMES) {
      const deployment = byName<IDeployment>(objects(), 'Deployment', `${app}-depl`);
      const service = byName<IService>(objects(), 'Service', `${app}-srv`);
      expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
      expect(service.spec?.ports?.map((port) => [port.port, port.targetPort])).toEqual([[3000, 'http']]);
    }
    expect(ofKind(objects(), 'Deployment')).toHaveLength(APP_NAMES.length);
  });

  it('rolls the apps with maxSurge 1 / maxUnavailable 0, configured from ConfigMaps, with a writable /tmp', () => {
    expect(ofKind<IDeployment>(objects(), 'Deployment').flatMap(deploymentProblems)).toEqual([]);
  });

  it('runs every pod under the restricted Pod Security profile with resource requests and limits', () => {
    const readOnlyRoot = overlay !== 'infra/k8s-dev';
    const problems = [
      ...ofKind<IDeployment>(objects(), 'Deployment').flatMap((deployment) =>
        podSecurityProblems(deployment.metadata?.name ?? '', deployment.spec?.template.spec, {
          readOnlyRoot,
          uid: 1000,
        }),
      ),
      ...ofKind<IStatefulSet>(objects(), 'StatefulSet').flatMap((statefulSet) =>
        podSecurityProblems(statefulSet.metadata?.name ?? '', statefulSet.spec?.template.spec, { readOnlyRoot: true }),
      ),
    ];
    expect(problems).toEqual([]);
  });

  it('keeps state on PersistentVolumes: NATS, Redis and a PostgreSQL per service (a StatefulSet each, or in production a CloudNativePG Cluster), each with a governing Service', () => {
    const statefulSets = ofKind<IStatefulSet>(objects(), 'StatefulSet');
    const names = statefulSets.map((statefulSet) => statefulSet.metadata?.name).sort();
    const production = overlay === 'infra/k8s-prod' || overlay === 'infra/k8s-staging';
    expect(names).toEqual(
      production
        ? ['nats', 'redis']
        : [
            'auth-postgres',
            'nats',
            'orders-postgres',
            'passes-postgres',
            'payments-postgres',
            'redis',
            'tickets-postgres',
          ],
    );
    const clusters = ofKind(objects(), 'Cluster').map((cluster) => cluster.metadata.name);
    expect(clusters.sort()).toEqual(
      production ? ['auth-db', 'orders-db', 'passes-db', 'payments-db', 'tickets-db'] : [],
    );
    for (const statefulSet of statefulSets) {
      const name = statefulSet.metadata?.name ?? '';
      expect(statefulSet.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).toBeTruthy();
      const governing = byName<IService>(objects(), 'Service', statefulSet.spec?.serviceName ?? '');
      expect(governing.spec?.selector).toEqual(statefulSet.spec?.selector.matchLabels);
      if (name.endsWith('-postgres')) {
        const container = statefulSet.spec?.template.spec?.containers[0];
        expect(container?.image).toMatch(/^postgres:15(\.|-|$)/);
        expect(governing.spec?.clusterIP).toBe('None');
        const password = container?.env?.find((variable) => variable.name === 'POSTGRES_PASSWORD');
        expect(password?.valueFrom?.secretKeyRef).toMatchObject({
          name: name.replace(/-postgres$/, '-db-secret'),
          key: 'POSTGRES_PASSWORD',
        });
      }
    }
  });

  it('runs Redis with an fsynced append-only file and no eviction (BullMQ)', () => {
    const config =
      byName<IConfigMap>(objects(), 'ConfigMap', nameOfGenerated(objects(), 'redis-config')).data?.['redis.conf'] ?? '';
    expect(config).toMatch(/^appendonly yes$/m);
    expect(config).toMatch(/^appendfsync everysec$/m);
    expect(config).toMatch(/^maxmemory-policy noeviction$/m);
  });

  it('runs Redis at hz 100, so a delayed job (an expiry) is not held to its default 100 ms tick', () => {
    const config =
      byName<IConfigMap>(objects(), 'ConfigMap', nameOfGenerated(objects(), 'redis-config')).data?.['redis.conf'] ?? '';
    expect(config).toMatch(/^hz 100$/m);
  });

  it('runs NATS with JetStream on its volume, from a config file that sets sync_interval', () => {
    const config =
      byName<IConfigMap>(objects(), 'ConfigMap', nameOfGenerated(objects(), 'nats-config')).data?.['nats.conf'] ?? '';
    expect(config).toMatch(/jetstream\s*\{[^}]*store_dir:\s*"\/data\/jetstream"/);
    expect(config).toMatch(/^\s*sync_interval:\s*always$/m);
    const nats = byName<IStatefulSet>(objects(), 'StatefulSet', 'nats');
    expect(nats.spec?.template.spec?.containers.find((container) => container.name === 'nats')?.volumeMounts).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'data', mountPath: '/data' })]),
    );
  });
});

describe.each(OVERLAYS)('%s: NATS users', (overlay) => {
  const objects = (): K8sObject[] => render(overlay);
  const natsConfig = () =>
    byName<IConfigMap>(objects(), 'ConfigMap', nameOfGenerated(objects(), 'nats-config')).data ?? {};

  it('serves the users generated from common/src/messaging/permissions.ts (node scripts/nats-authorization.mjs)', () => {
    const file = readRepoFile('infra/k8s/nats/authorization.conf');
    expect(file).toContain(clusterNatsAuthorizationConfig());
    expect(natsConfig()['authorization.conf']).toBe(file);
    expect(natsConfig()['nats.conf']).toMatch(/^include \.\/authorization\.conf$/m);
  });

  it("gives nats-server every user's password from the nats-users Secret, and nats-server accepts the users", () => {
    const nats = byName<IStatefulSet>(objects(), 'StatefulSet', 'nats');
    const container = nats.spec?.template.spec?.containers.find((candidate) => candidate.name === 'nats');
    const env = new Map((container?.env ?? []).map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]));
    const users = [...EVENT_OWNER_NAMES, OPERATOR_USER] as const;
    for (const user of users) {
      expect(env.get(natsPasswordVariable(user))).toEqual({ name: 'nats-users', key: user });
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'nats-config-'));
    try {
      // Only the users: nats.conf sets options newer than the nats-server 2.9 installed here.
      writeFileSync(path.join(dir, 'authorization.conf'), natsConfig()['authorization.conf'] ?? '');
      writeFileSync(path.join(dir, 'nats.conf'), 'include ./authorization.conf\n');
      const secrets = Object.fromEntries(users.map((user) => [natsPasswordVariable(user), `${user}-password`]));
      const test = () =>
        execFileSync('nats-server', ['-t', '-c', path.join(dir, 'nats.conf')], {
          env: { PATH: process.env.PATH, ...secrets },
          encoding: 'utf8',
          stdio: 'pipe',
        });
      expect(test).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(EVENT_OWNER_NAMES)(
    'runs %s as its own NATS user (named after it), its password from the nats-users Secret',
    (app) => {
      const deployment = byName<IDeployment>(objects(), 'Deployment', `${app}-depl`);
      const container = deployment.spec?.template.spec?.containers.find((candidate) => candidate.name === app);
      const vars = container ? providedEnv(container, objects()).vars : new Map();
      expect(vars.has('NATS_USER')).toBe(false);
      expect(vars.get('NATS_PASSWORD')).toMatchObject({ source: 'Secret nats-users', optional: false });
    },
  );
});

/** The hashed name kustomize gave a generated ConfigMap. */
function nameOfGenerated(objects: K8sObject[], name: string): string {
  const found = objects.find(
    (object) => object.kind === 'ConfigMap' && new RegExp(`^${name}-[a-z0-9]{10}$`).test(object.metadata.name),
  );
  if (!found) throw new Error(`no generated ConfigMap ${name}`);
  return found.metadata.name;
}

describe('the other manifests under infra/ (Argo CD, cert-manager)', () => {
  const files = listRepoFiles('infra').filter(
    // A *.patch.yaml is a patch for an installed object (tested in operations.test.ts), not an object.
    (file) => /\.ya?ml$/.test(file) && !/\.patch\.ya?ml$/.test(file) && /^infra\/(argocd|cluster)\//.test(file),
  );

  it.each(files)('%s validates against its schema', (file) => {
    const documents = parseYamlDocuments(readRepoFile(file), file) as K8sObject[];
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.flatMap(schemaProblems)).toEqual([]);
  });

  it('points each Argo CD Application at an overlay of this repository; dev and staging sync by themselves, prod by hand', () => {
    const apps = files
      .filter((file) => file.startsWith('infra/argocd/'))
      .flatMap((file) => parseYamlDocuments(readRepoFile(file), file) as K8sObject[]);
    const byPath = new Map(apps.map((app) => [(app.spec as { source: { path: string } }).source.path, app]));
    expect([...byPath.keys()].sort()).toEqual(['infra/k8s-dev-cluster', 'infra/k8s-prod', 'infra/k8s-staging']);
    for (const automatic of ['infra/k8s-dev-cluster', 'infra/k8s-staging']) {
      expect(byPath.get(automatic)?.spec).toMatchObject({
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      });
    }
    const prod = byPath.get('infra/k8s-prod')?.spec as { syncPolicy?: { automated?: unknown } } | undefined;
    expect(prod?.syncPolicy).toBeDefined();
    expect(prod?.syncPolicy?.automated).toBeUndefined();
  });
});

describe('the schema validation itself', () => {
  const deployment = (): K8sObject => structuredClone(byName(render('infra/k8s'), 'Deployment', 'auth-depl'));

  it('accepts the auth Deployment as rendered', () => {
    expect(schemaProblems(deployment())).toEqual([]);
  });

  it('reports an unknown field in a Deployment spec', () => {
    const broken = deployment();
    (broken.spec as Record<string, unknown>).replica = 2;
    expect(schemaProblems(broken)).toEqual(['Deployment auth-depl: unknown field .spec.replica']);
  });

  it('reports a misspelt probe deep in the pod template', () => {
    const broken = deployment() as unknown as IDeployment;
    const container = broken.spec?.template.spec?.containers[0] as unknown as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    expect(schemaProblems(broken as unknown as K8sObject)).toEqual([
      'Deployment auth-depl: unknown field .spec.template.spec.containers[0].readinesProbe',
    ]);
  });

  it('reports a wrong type and a missing required field', () => {
    const broken = deployment() as unknown as IDeployment;
    (broken.spec as unknown as Record<string, unknown>).replicas = 'two';
    expect(schemaProblems(broken as unknown as K8sObject).join('\n')).toMatch(/replicas must be integer/);
    const noSelector = deployment();
    delete (noSelector.spec as Record<string, unknown>).selector;
    expect(schemaProblems(noSelector).join('\n')).toMatch(/selector/);
  });

  it('refuses a kind it has no schema for, and an unknown field in a custom resource', () => {
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget w: no schema for example.com/v1 Widget',
    ]);
    const [application] = parseYamlDocuments(readRepoFile('infra/argocd/ticketing-prod.yaml'), 'prod') as K8sObject[];
    if (!application) throw new Error('no Application in infra/argocd/ticketing-prod.yaml');
    const broken = { ...application, spec: { ...(application.spec as object), syncPolicyy: {} } };
    expect(schemaProblems(broken).join('\n')).toMatch(/syncPolicyy/);
  });
});
