import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import {
  appContainer,
  committedSecretProblems,
  dockerfileProblems,
  documentedSecrets,
  envProblems,
  ingressProblems,
  loadConfigSchema,
  networkPolicyProblems,
  paymentsModeProblems,
  probeProblems,
  secretReferences,
  servedProbePaths,
  sharedVariableProblems,
  undocumentedSecretProblems,
} from './lib/checks';
import { byName, type K8sObject, ofKind, render } from './lib/kustomize';
import { APP_NAMES, gatewayApps, listRepoFiles, readRepoFile, repoPathExists, workspaces } from './lib/repo';
import { skaffoldProblems } from './lib/skaffold';

const OVERLAYS = ['infra/k8s', 'infra/k8s-dev', 'infra/k8s-dev-cluster', 'infra/k8s-staging', 'infra/k8s-prod'];
const SERVICES = APP_NAMES.filter((app) => app !== 'client');

/**
 * Variables the manifests set that a service's configSchema does not declare yet. Each entry
 * says why; remove it once the services read the variable.
 */
const PENDING_VARIABLES: Record<string, string> = {};

/**
 * Variables one ConfigMap gives several apps, of which each reads those it needs: the manifests
 * may set them for a service whose configSchema does not declare them.
 */
const SHARED_VARIABLES: Record<string, string> = {
  BUYER_FEE_PERCENT: 'fees-config: orders stores the buyer fee; payments and the client read the same map',
  SELLER_FEE_PERCENT: 'fees-config: payments pays sellers out with it, the client shows it; orders ignores it',
};

const ALLOWED_EXTRA = { ...PENDING_VARIABLES, ...SHARED_VARIABLES };

const deploymentOf = (objects: K8sObject[], app: string) => byName<IDeployment>(objects, 'Deployment', `${app}-depl`);

describe('probes', () => {
  it.each(APP_NAMES)('%s serves /livez and /readyz (read from its sources)', (app) => {
    expect([...servedProbePaths(app)].sort()).toEqual(['/livez', '/readyz']);
  });

  it.each(OVERLAYS)('%s probes only paths the apps serve, on their port', (overlay) => {
    const objects = render(overlay);
    expect(APP_NAMES.flatMap((app) => probeProblems(deploymentOf(objects, app), servedProbePaths(app)))).toEqual([]);
  });

  it('reports a probe on a path the app does not serve', () => {
    const deployment = deploymentOf(render('infra/k8s'), 'tickets');
    const container = appContainer(deployment);
    if (container?.readinessProbe?.httpGet) container.readinessProbe.httpGet.path = '/health';
    expect(probeProblems(deployment, servedProbePaths('tickets'))).toEqual([
      'tickets: readinessProbe probes /health, expected /readyz',
      'tickets: readinessProbe probes /health, which the app does not serve (it serves /livez, /readyz)',
    ]);
  });

  it('reports the probes of a service that does not use createServiceApp, and of a client without route handlers', () => {
    const read = (file: string) =>
      file === 'orders/src/app.ts' ? 'export const app = express();' : readRepoFile(file);
    expect(servedProbePaths('orders', read).size).toBe(0);
    const exists = (file: string) => !file.endsWith('readyz/route.ts') && repoPathExists(file);
    expect([...servedProbePaths('client', readRepoFile, exists)]).toEqual(['/livez']);
  });
});

describe('payments fail closed', () => {
  it.each(OVERLAYS)(
    '%s runs real payments from a required Secret in production, or the sandbox on purpose',
    (overlay) => {
      const objects = render(overlay);
      expect(paymentsModeProblems(deploymentOf(objects, 'payments'), objects)).toEqual([]);
    },
  );

  it('production reads both Stripe secrets from a required Secret; staging runs the sandbox on purpose', () => {
    const env = (overlay: string) => appContainer(deploymentOf(render(overlay), 'payments'))?.env ?? [];
    const stripe = env('infra/k8s-prod').filter((variable) => variable.name.startsWith('STRIPE_'));
    expect(stripe.map((variable) => [variable.name, variable.valueFrom?.secretKeyRef?.optional ?? false])).toEqual([
      ['STRIPE_KEY', false],
      ['STRIPE_WEBHOOK_SECRET', false],
    ]);
    expect(env('infra/k8s-staging').filter((variable) => variable.name.startsWith('STRIPE_'))).toEqual([]);
  });

  it('reports an optional Stripe secret in production, and a sandbox without PAYMENTS_SANDBOX', () => {
    const prod = render('infra/k8s-prod');
    const payments = deploymentOf(prod, 'payments');
    const key = appContainer(payments)?.env?.find((variable) => variable.name === 'STRIPE_KEY');
    if (key?.valueFrom?.secretKeyRef) key.valueFrom.secretKeyRef.optional = true;
    expect(paymentsModeProblems(payments, prod)).toEqual([
      'payments: STRIPE_KEY comes from Secret stripe-secret (optional): a missing Secret must stop the pod, not start the sandbox',
    ]);

    const staging = render('infra/k8s-staging');
    for (const configMap of ofKind<K8sObject & { data?: Record<string, string> }>(staging, 'ConfigMap')) {
      delete configMap.data?.PAYMENTS_SANDBOX;
    }
    expect(paymentsModeProblems(deploymentOf(staging, 'payments'), staging)).toEqual([
      'payments: STRIPE_KEY is not provided in production (and PAYMENTS_SANDBOX is not true)',
      'payments: STRIPE_WEBHOOK_SECRET is not provided in production (and PAYMENTS_SANDBOX is not true)',
    ]);
  });
});

describe('environment', () => {
  it.each(OVERLAYS)(
    '%s gives each service every variable its configSchema needs, with values it accepts',
    (overlay) => {
      const objects = render(overlay);
      const problems = SERVICES.flatMap((app) => {
        const schema = loadConfigSchema(app);
        if (!schema) return [`${app}: no src/config.ts exporting configSchema`];
        return envProblems(deploymentOf(objects, app), objects, schema, ALLOWED_EXTRA);
      });
      expect(problems).toEqual([]);
    },
  );

  it.each(OVERLAYS)('%s gives the client API_URL and PORT', (overlay) => {
    const env = render(overlay);
    const container = appContainer(deploymentOf(env, 'client'));
    const names = new Set([
      ...(container?.env ?? []).map((variable) => variable.name),
      ...ofKind<K8sObject & { data?: Record<string, string> }>(env, 'ConfigMap')
        .filter((cm) => container?.envFrom?.some((source) => source.configMapRef?.name === cm.metadata.name))
        .flatMap((cm) => Object.keys(cm.data ?? {})),
    ]);
    for (const name of ['API_URL', 'PORT', 'NODE_ENV', 'HOSTNAME']) expect([...names]).toContain(name);
  });

  it('reports a missing required variable, an optional Secret for a required one, a bad value and an unknown name', () => {
    const objects = render('infra/k8s');
    const schema = loadConfigSchema('orders');
    if (!schema) throw new Error('orders has no configSchema');
    const deployment = deploymentOf(objects, 'orders');
    const container = appContainer(deployment);
    if (!container?.env) throw new Error('orders has no env');
    container.env = container.env.filter((variable) => variable.name !== 'DATABASE_URL');
    const jwt = container.env.find((variable) => variable.name === 'JWT_KEY');
    if (jwt?.valueFrom?.secretKeyRef) jwt.valueFrom.secretKeyRef.optional = true;
    container.env.push({ name: 'JWT_TTL', value: '60' });
    const ordersConfig = ofKind<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap').find((cm) =>
      cm.metadata.name.startsWith('orders-config-'),
    );
    if (ordersConfig) ordersConfig.data.SWEEP_INTERVAL_SECONDS = 'often';
    expect(envProblems(deployment, objects, schema, ALLOWED_EXTRA)).toEqual([
      'orders: JWT_KEY comes from Secret jwt-secret (optional), but the service cannot start without it',
      'orders: DATABASE_URL is not provided (required by the schema)',
      `orders: SWEEP_INTERVAL_SECONDS=often (ConfigMap ${ordersConfig?.metadata.name}) is rejected by orders's configSchema`,
      "orders: JWT_TTL (literal) is not a variable of orders's configSchema",
    ]);
  });

  it.each(OVERLAYS)('%s gives tickets, orders and payments one PAYMENT_CURRENCY', (overlay) => {
    const objects = render(overlay);
    const apps = ['tickets', 'orders', 'payments'].map((app) => deploymentOf(objects, app));
    expect(sharedVariableProblems(apps, objects, 'PAYMENT_CURRENCY')).toEqual([]);
  });

  it.each(
    OVERLAYS.flatMap((overlay) => [
      [overlay, 'BUYER_FEE_PERCENT'],
      [overlay, 'SELLER_FEE_PERCENT'],
    ]),
  )('%s gives orders, payments and the client one %s (the fee the page shows is the fee charged)', (overlay, name) => {
    const objects = render(overlay);
    const apps = ['orders', 'payments', 'client'].map((app) => deploymentOf(objects, app));
    expect(sharedVariableProblems(apps, objects, name)).toEqual([]);
  });

  it('reports a client left without BUYER_FEE_PERCENT', () => {
    const objects = render('infra/k8s');
    const [orders, payments, client] = ['orders', 'payments', 'client'].map((app) => deploymentOf(objects, app));
    const clientContainer = appContainer(client!);
    if (clientContainer?.envFrom) {
      clientContainer.envFrom = clientContainer.envFrom.filter(
        (source) => !source.configMapRef?.name?.startsWith('fees-config-'),
      );
    }
    expect(sharedVariableProblems([orders!, payments!, client!], objects, 'BUYER_FEE_PERCENT')).toEqual([
      'client: BUYER_FEE_PERCENT is not set, so it would not follow the other apps',
    ]);
  });

  it('reports a service left without PAYMENT_CURRENCY and one given another currency', () => {
    const objects = render('infra/k8s');
    const [tickets, orders, payments] = ['tickets', 'orders', 'payments'].map((app) => deploymentOf(objects, app));
    const ticketsContainer = appContainer(tickets!);
    if (ticketsContainer?.envFrom) {
      ticketsContainer.envFrom = ticketsContainer.envFrom.filter(
        (source) => !source.configMapRef?.name?.startsWith('currency-config-'),
      );
    }
    appContainer(payments!)?.env?.push({ name: 'PAYMENT_CURRENCY', value: 'eur' });
    expect(sharedVariableProblems([orders!, tickets!, payments!], objects, 'PAYMENT_CURRENCY')).toEqual([
      'tickets: PAYMENT_CURRENCY is not set, so it would not follow the other apps',
      'payments: PAYMENT_CURRENCY=eur, but orders has usd',
    ]);
  });

  it('reports a loopback default left in place (NATS_URL missing)', () => {
    const objects = render('infra/k8s').filter((object) => !object.metadata.name.startsWith('messaging-config-'));
    const schema = loadConfigSchema('tickets');
    if (!schema) throw new Error('tickets has no configSchema');
    const problems = envProblems(deploymentOf(objects, 'tickets'), objects, schema, ALLOWED_EXTRA);
    expect(problems.join('\n')).toMatch(/envFrom ConfigMap messaging-config-\w+ is not in the manifests/);
    expect(problems.join('\n')).toMatch(
      /NATS_URL is not provided \(its default nats:\/\/127\.0\.0\.1:4222 is this pod\)/,
    );
  });
});

describe('ingress', () => {
  it('reads the seven apps from scripts/lib/services.mjs', () => {
    expect(APP_NAMES).toEqual(['auth', 'tickets', 'orders', 'payments', 'passes', 'expiration', 'client']);
  });

  it.each(OVERLAYS)('%s routes exactly the gateway routes', (overlay) => {
    expect(ingressProblems(render(overlay), gatewayApps())).toEqual([]);
  });

  it('reports a route the gateway does not have, a missing one and a wrong backend', () => {
    const objects = render('infra/k8s');
    const ingress = byName<IIngress>(objects, 'Ingress', 'ingress-service');
    const paths = ingress.spec?.rules?.[0]?.http?.paths ?? [];
    const orders = paths.find((entry) => entry.path === '/api/orders');
    if (orders) orders.path = '/api/order';
    const payments = paths.find((entry) => entry.path === '/api/payments');
    if (payments?.backend.service) payments.backend.service.name = 'orders-srv';
    expect(ingressProblems(objects, gatewayApps())).toEqual([
      '(any host): path /api/order is not a gateway route (scripts/lib/services.mjs)',
      '(any host): /api/payments goes to orders-srv, expected payments-srv',
      '(any host): the gateway route /api/orders is missing',
    ]);
  });

  it('routes the event catalog to tickets, and reports an Ingress that leaves it out', () => {
    expect(gatewayApps().find((app) => app.name === 'tickets')?.routes).toEqual(['/api/tickets', '/api/events']);
    const objects = render('infra/k8s');
    const ingress = byName<IIngress>(objects, 'Ingress', 'ingress-service');
    const rule = ingress.spec?.rules?.[0];
    if (rule?.http) rule.http.paths = rule.http.paths.filter((entry) => entry.path !== '/api/events');
    expect(ingressProblems(objects, gatewayApps())).toEqual(['(any host): the gateway route /api/events is missing']);
  });

  it('follows a new gateway route: the Ingress is then missing it', () => {
    const apps = gatewayApps(
      readRepoFile('scripts/lib/services.mjs').replace(
        "{ name: 'expiration', routes: [] }",
        "{ name: 'expiration', routes: ['/api/expiration'] }",
      ),
    );
    expect(ingressProblems(render('infra/k8s'), apps)).toEqual([
      '(any host): the gateway route /api/expiration is missing',
    ]);
  });
});

describe('network policies', () => {
  const routed = gatewayApps()
    .filter((app) => app.routes.length > 0)
    .map((app) => app.name);

  it.each(OVERLAYS)(
    '%s denies by default and allows only: DNS, ingress-nginx to the routed apps, Prometheus to the metrics ports, each database to its service, NATS and Redis to the apps that use them',
    (overlay) => {
      expect(networkPolicyProblems(render(overlay), routed)).toEqual([]);
    },
  );

  it('reports a database opened to every pod', () => {
    const objects = render('infra/k8s');
    const policy = byName<INetworkPolicy>(objects, 'NetworkPolicy', 'orders-database-access');
    if (policy.spec?.ingress?.[0]) policy.spec.ingress[0].from = [];
    const problems = networkPolicyProblems(objects, routed);
    expect(problems).toContain('any pod can reach orders-postgres:5432');
    expect(problems).toContain('ingress-nginx can reach orders-postgres:5432');
  });

  it('reports a service whose egress to its database is missing, and a production database reachable by another service', () => {
    const objects = render('infra/k8s').filter((object) => object.metadata.name !== 'tickets-egress');
    expect(networkPolicyProblems(objects, routed)).toEqual(
      expect.arrayContaining(['tickets cannot reach tickets-postgres:5432', 'tickets cannot reach nats:4222']),
    );
    const prod = render('infra/k8s-prod');
    const access = byName<INetworkPolicy>(prod, 'NetworkPolicy', 'payments-database-access');
    const from = access.spec?.ingress?.[0]?.from?.[0]?.podSelector;
    if (from) from.matchLabels = { 'app.kubernetes.io/part-of': 'ticketing' };
    const egress = byName<INetworkPolicy>(prod, 'NetworkPolicy', 'auth-egress');
    const to = egress.spec?.egress?.[0]?.to?.[0]?.podSelector;
    if (to) to.matchLabels = { 'app.kubernetes.io/component': 'database' };
    expect(networkPolicyProblems(prod, routed)).toContain('auth cannot reach auth-db:5432');
  });

  it('reports a namespace without default deny, an app open to another namespace, and pods that cannot resolve names', () => {
    const objects = render('infra/k8s').filter(
      (object) => !['default-deny', 'allow-dns', 'prometheus-scrape'].includes(object.metadata.name),
    );
    const ingress = byName<INetworkPolicy>(objects, 'NetworkPolicy', 'ingress-to-apps');
    if (ingress.spec?.ingress?.[0]) ingress.spec.ingress[0].from = [{ namespaceSelector: {} }];
    const problems = networkPolicyProblems(objects, routed);
    expect(problems).toEqual(
      expect.arrayContaining([
        'no default-deny policy (every pod, Ingress and Egress, no rules)',
        'another namespace can reach tickets:3000',
        'auth-depl cannot resolve names (kube-dns:53/UDP)',
      ]),
    );
  });

  it('reports ingress-nginx reaching a worker without a route, and Prometheus kept from a metrics port', () => {
    const objects = render('infra/k8s-prod');
    const ingress = byName<INetworkPolicy>(objects, 'NetworkPolicy', 'ingress-to-apps');
    ingress.spec?.podSelector?.matchExpressions?.[0]?.values?.push('expiration');
    const scrape = byName<INetworkPolicy>(objects, 'NetworkPolicy', 'prometheus-scrape');
    const ports = scrape.spec?.ingress?.[0]?.ports;
    if (ports) scrape.spec!.ingress![0]!.ports = ports.filter((port) => port.port !== 7777);
    expect(networkPolicyProblems(objects, routed)).toEqual(
      expect.arrayContaining(['ingress-nginx can reach expiration:3000', 'Prometheus cannot scrape nats:7777']),
    );
  });
});

describe('committed secrets', () => {
  const files = () =>
    [...listRepoFiles('infra'), 'skaffold.yaml', ...listRepoFiles('.github/workflows')].map((file) => ({
      path: file,
      text: readRepoFile(file),
    }));

  it('has no Secret with data, no secretGenerator and no key anywhere under infra/, skaffold.yaml or the workflows', () => {
    expect(committedSecretProblems(files())).toEqual([]);
  });

  it('reports a Secret with data, a secretGenerator and a Stripe key', () => {
    const planted = [
      {
        path: 'infra/k8s/jwt.yaml',
        text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: jwt-secret\nstringData:\n  JWT_KEY: x\n',
      },
      {
        path: 'infra/k8s-dev/kustomization.yaml',
        text: 'kind: Kustomization\nsecretGenerator:\n  - name: jwt-secret\n',
      },
      { path: 'infra/README.md', text: `STRIPE_KEY=sk_live_${'4'.repeat(24)}` },
    ];
    expect(committedSecretProblems(planted)).toEqual([
      'infra/k8s/jwt.yaml: Secret jwt-secret carries data; create Secrets by hand',
      'infra/k8s-dev/kustomization.yaml: secretGenerator commits secret values',
      'infra/README.md: contains what looks like a secret key',
    ]);
  });
});

describe('Secrets made by hand', () => {
  const guide = () => readRepoFile('infra/README.md');
  /** The Local Kubernetes set-up: what infra/k8s-dev needs before skaffold dev. */
  const localSetUp = () => {
    const text = guide();
    return text.slice(text.indexOf('3. **Namespace and Secrets**'), text.indexOf('4. **Run**'));
  };

  it('creates every Secret and key the development overlay reads in the local set-up (infra/README.md, step 3)', () => {
    expect(
      undocumentedSecretProblems(secretReferences(render('infra/k8s-dev')), documentedSecrets(localSetUp())),
    ).toEqual([]);
  });

  it.each(['infra/k8s-staging', 'infra/k8s-prod'])(
    '%s reads only Secrets the guide creates, or that an operator makes (CloudNativePG, cert-manager)',
    (overlay) => {
      expect(undocumentedSecretProblems(secretReferences(render(overlay)), documentedSecrets(guide()))).toEqual([]);
    },
  );

  it('reports a Secret no command creates and a NATS user left out of nats-users', () => {
    const setUp = localSetUp()
      .replace(/\n\s*kubectl -n ticketing-dev create secret generic passes-signing-key \\\n[^\n]*/, '')
      .replace('for user in auth tickets orders payments passes expiration operator', 'for user in auth operator');
    expect(setUp).not.toContain('passes-signing-key');
    const problems = undocumentedSecretProblems(secretReferences(render('infra/k8s-dev')), documentedSecrets(setUp));
    expect(problems).toEqual(
      expect.arrayContaining([
        'Secret passes-signing-key is created by no documented command (read by Deployment passes-depl)',
        'Secret nats-users: the documented command does not set tickets (read by Deployment tickets-depl, StatefulSet nats)',
      ]),
    );
  });

  it('reads the database Secrets of the loop, and leaves out what the operators make', () => {
    const documented = documentedSecrets(localSetUp());
    expect(documented.get('orders-db-secret')).toEqual(new Set(['POSTGRES_PASSWORD', 'DATABASE_URL']));
    const names = secretReferences(render('infra/k8s-prod')).map((reference) => reference.name);
    expect(names).toContain('spaces-backups');
    expect(names.filter((name) => name.endsWith('-db-app') || name === 'ticketing-tls')).toEqual([]);
  });
});

describe('skaffold', () => {
  it('builds every app from a Dockerfile that exists, deployed by each overlay it uses, syncing only into watchers', () => {
    expect(skaffoldProblems(readRepoFile('skaffold.yaml'), render)).toEqual([]);
  });

  it('reports an unknown key, an artifact no Deployment runs, a missing Dockerfile and sync into compiled code', () => {
    const text = readRepoFile('skaffold.yaml');
    expect(skaffoldProblems(text.replace('useBuildkit: true', 'useBuildKit: true'), render).join('\n')).toMatch(
      /build\.local: Unrecognized key: "useBuildKit"/,
    );
    const renamed = text.replace('image: ticketing/orders', 'image: ticketing/order');
    expect(skaffoldProblems(renamed, render)).toEqual([
      'default: ticketing/order: no Deployment runs this image',
      'default: orders runs ticketing/orders, which no artifact builds',
    ]);
    const noDockerfile = (file: string) => file !== 'payments/Dockerfile' && repoPathExists(file);
    expect(skaffoldProblems(text, render, readRepoFile, noDockerfile)).toContain(
      'default: ticketing/payments: payments/Dockerfile does not exist',
    );
    const syncIntoRuntime = text.replace(
      'dockerfile: auth/Dockerfile\n        target: dev',
      'dockerfile: auth/Dockerfile\n        target: runtime',
    );
    expect(skaffoldProblems(syncIntoRuntime, render)).toEqual([
      'default: ticketing/auth: syncs files into stage runtime, which does not run a watcher',
    ]);
  });
});

describe('Dockerfiles', () => {
  const expectations = (app: string) => ({
    workspaces: workspaces(),
    migrations: loadConfigSchema(app)?.shape.DATABASE_URL !== undefined,
    next: app === 'client',
  });

  it.each(APP_NAMES)('%s/Dockerfile: pinned base, build/dev/runtime stages, production runtime as node', (app) => {
    expect(dockerfileProblems(app, readRepoFile(`${app}/Dockerfile`), expectations(app))).toEqual([]);
  });

  it.each(SERVICES.filter((app) => expectations(app).migrations))(
    '%s has the migrations folder its image copies',
    (app) => {
      expect(repoPathExists(`${app}/migrations`)).toBe(true);
    },
  );

  it('reports a dev tool in the runtime stage, a floating base image, a missing workspace manifest and missing migrations', () => {
    const [buildStages = '', runtimeStage = ''] = readRepoFile('orders/Dockerfile').split(/(?=^FROM \S+ AS runtime$)/m);
    const broken = (
      buildStages.replace(/^FROM \S+ AS build$/m, 'FROM node:latest AS build') +
      runtimeStage
        .replace('COPY e2e/package.json e2e/\n', '')
        .replace('CMD ["node", "orders/dist/index.js"]', 'CMD ["npx", "tsx", "orders/src/index.ts"]')
    ).replace(/^COPY --from=build \/app\/orders\/migrations.*$/m, '');
    expect(dockerfileProblems('orders', broken, expectations('orders'))).toEqual([
      'orders/Dockerfile: stage build: node:latest is not node:<major.minor.patch>-bookworm-slim@sha256:<digest>',
      expect.stringMatching(/^orders\/Dockerfile: the stages start from different base images \(node:latest, node:24/),
      'orders/Dockerfile: stage runtime runs npm ci without e2e/package.json (npm ci checks every workspace)',
      'orders/Dockerfile: the runtime stage runs npx tsx orders/src/index.ts, expected node orders/dist/index.js',
      'orders/Dockerfile: the runtime stage uses a development tool (tsx, ts-node, next dev/start)',
      'orders/Dockerfile: the runtime stage does not copy orders/migrations (read at start-up)',
    ]);
  });
});
