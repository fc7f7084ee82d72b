import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS } from './lib/environments';
import { type K8sObject, parseYamlDocuments, render } from './lib/kustomize';
import { argoProblems, environmentProblems, parseDigests, stateProblems } from './lib/pipeline';
import { APP_NAMES, listRepoFiles, ROOT, readRepoFile } from './lib/repo';

const PIPELINE = path.join(ROOT, '.github', 'scripts', 'pipeline.mjs');
const node = (script: string, args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
const stateOf = (name: string) => `${ENVIRONMENTS[name]?.overlay}/images/digests.env`;
const digestsOf = (name: string) => parseDigests(readRepoFile(stateOf(name)));
const digest = (char: string) => `sha256:${char.repeat(64)}`;

jest.setTimeout(60_000);

describe('environments', () => {
  it('are dev, staging and production, in promotion order, each in a namespace of its own', () => {
    expect(Object.keys(ENVIRONMENTS)).toEqual(['dev', 'staging', 'production']);
    const namespaces = Object.values(ENVIRONMENTS).map((environment) => environment.namespace);
    expect(new Set(namespaces).size).toBe(3);
    // skaffold's local overlay shares dev's namespace, never production's.
    expect(render('infra/k8s-dev').every((object) => object.metadata.namespace === 'ticketing-dev')).toBe(true);
  });

  it.each(Object.keys(ENVIRONMENTS))('%s records a sha256 digest for every app in its state file', (name) => {
    expect(stateProblems(stateOf(name), readRepoFile(stateOf(name)), APP_NAMES)).toEqual([]);
  });

  it.each(Object.entries(ENVIRONMENTS))(
    '%s runs each app on the digest its state file records, no unversioned image, no replica count under an autoscaler, one namespace',
    (name, environment) => {
      expect(environmentProblems(name, environment, render(environment.overlay), APP_NAMES, digestsOf(name))).toEqual(
        [],
      );
    },
  );

  it('runs one image per app everywhere: the same repository in dev, staging and production', () => {
    const repositories = (overlay: string) =>
      render(overlay)
        .filter((object) => object.kind === 'Deployment')
        .map((object) => JSON.stringify(object).match(/"image":"([^"@]+)@/)?.[1])
        .sort();
    const [dev, staging, production] = Object.values(ENVIRONMENTS).map((environment) =>
      repositories(environment.overlay),
    );
    expect(staging).toEqual(production);
    expect(dev).toEqual(production);
  });

  it('reports an app on a tag, a replica count under an autoscaler, an unversioned image and a stray namespace', () => {
    const production = ENVIRONMENTS.production ?? { overlay: '', namespace: '' };
    const objects = render(production.overlay);
    const deployment = objects.find((object) => object.metadata.name === 'orders-depl') as K8sObject & {
      spec: { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } };
    };
    const container = deployment.spec.template.spec.containers.find((candidate) => candidate.name === 'orders');
    if (container) container.image = 'YOURDOCKERID/orders:latest';
    deployment.spec.replicas = 2;
    const redis = objects.find(
      (object) => object.kind === 'StatefulSet' && object.metadata.name === 'redis',
    ) as K8sObject & {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    const redisContainer = redis.spec.template.spec.containers[0];
    if (redisContainer) redisContainer.image = 'redis:7';
    const auth = objects.find((object) => object.metadata.name === 'auth-depl');
    if (auth) auth.metadata.namespace = 'ticketing-dev';
    expect(environmentProblems('production', production, objects, APP_NAMES, digestsOf('production'))).toEqual([
      'production: Deployment auth-depl is in namespace ticketing-dev, not ticketing',
      'production: Deployment orders-depl sets replicas, which its HorizontalPodAutoscaler owns (every apply would reset it)',
      'production: Deployment orders-depl: YOURDOCKERID/orders:latest: the tag latest can move; pin it by digest (@sha256:…)',
      'production: StatefulSet redis: redis:7 has no exact version (latest, or a tag that moves with every release)',
    ]);
  });

  it('reports a state file with a tag, a missing app and an unknown key', () => {
    const text = readRepoFile(stateOf('staging'))
      .replace(/^orders=.*$/m, 'orders=latest')
      .replace(/^client=.*\n/m, 'web=x\n');
    expect(stateProblems('staging', text, APP_NAMES)).toEqual([
      'staging: orders=latest is not a sha256 digest',
      'staging: no digest for client',
      'staging: web is not an app',
    ]);
  });
});

describe('promotion by digest (pipeline.mjs set-digest on a copy of infra/)', () => {
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'ticketing-pipeline-'));
    cpSync(path.join(ROOT, 'infra'), path.join(copy, 'infra'), {
      recursive: true,
      filter: (src) => !src.includes('terraform/.terraform'),
    });
    cpSync(path.join(ROOT, '.github'), path.join(copy, '.github'), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const imageIn = (environment: string, app: string) => {
    const overlay = ENVIRONMENTS[environment]?.overlay ?? '';
    const result = spawnSync('kubectl', ['kustomize', path.join(copy, overlay)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(result.stderr);
    const objects = parseYamlDocuments(result.stdout, overlay) as K8sObject[];
    const deployment = objects.find((object) => object.metadata.name === `${app}-depl`);
    return (
      JSON.stringify(deployment).match(new RegExp(`"image":"([^"]+)","name":"${app}"`))?.[1] ??
      JSON.stringify(deployment).match(/"image":"([^"]+)"/)?.[1]
    );
  };

  it('moves one app in one environment: staging renders the new digest, production and dev keep theirs', () => {
    const before = { dev: imageIn('dev', 'orders'), production: imageIn('production', 'orders') };
    const result = node(
      path.join(copy, '.github/scripts/pipeline.mjs'),
      ['set-digest', 'staging', 'orders', digest('a')],
      copy,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(imageIn('staging', 'orders')).toBe(`YOURDOCKERID/orders@${digest('a')}`);
    expect(imageIn('staging', 'payments')).toBe(`YOURDOCKERID/payments@${digestsOf('staging').get('payments')}`);
    expect(imageIn('production', 'orders')).toBe(before.production);
    expect(imageIn('dev', 'orders')).toBe(before.dev);
    const state = readFileSync(path.join(copy, stateOf('staging')), 'utf8');
    expect(state).toMatch(/^# The image digest each app runs in staging/);
    expect(state.split('\n').filter((line) => line.startsWith('orders='))).toEqual([`orders=${digest('a')}`]);
  });

  it('refuses a tag, an unknown app and an unknown environment, changing nothing', () => {
    const state = readFileSync(path.join(copy, stateOf('production')), 'utf8');
    for (const [args, message] of [
      [['set-digest', 'production', 'orders', 'latest'], 'latest is not a sha256 digest'],
      [['set-digest', 'production', 'web', digest('b')], 'unknown app web'],
      [['set-digest', 'prod', 'orders', digest('b')], 'unknown environment prod'],
    ] as const) {
      const result = node(path.join(copy, '.github/scripts/pipeline.mjs'), [...args], copy);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect(readFileSync(path.join(copy, stateOf('production')), 'utf8')).toBe(state);
  });

  it('renders an environment from the state main records (render-environment.sh), and sees when main superseded its manifests', () => {
    const git = (...args: string[]) => spawnSync('git', args, { cwd: copy, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'state');
    const deployed = readFileSync(path.join(copy, stateOf('staging')), 'utf8');
    writeFileSync(path.join(copy, stateOf('staging')), deployed.replace(/^orders=.*$/m, `orders=${digest('c')}`));
    const script = path.join(copy, '.github/scripts/render-environment.sh');
    const rendered = spawnSync('bash', [script, 'staging'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, MAIN_REF: 'main' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain(`YOURDOCKERID/orders@${digest('a')}`);
    expect(rendered.stdout).not.toContain(digest('c'));
    const superseded = spawnSync('bash', [script, 'staging', '--superseded'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, MAIN_REF: 'main' },
    });
    expect(superseded.status).toBe(1);
  });
});

describe('which apps and environments a change reaches (pipeline.mjs changes)', () => {
  const changes = (...files: string[]) => {
    const script = `import('${PIPELINE}').then(({ affected }) => console.log(JSON.stringify(affected(${JSON.stringify(files)}))))`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return JSON.parse(result.stdout) as { apps: string[]; environments: string[] };
  };

  it('rebuilds an app for its own sources and for everything images share', () => {
    expect(changes('orders/src/app.ts')).toEqual({ apps: ['orders'], environments: [] });
    expect(changes('common/src/index.ts').apps).toEqual(APP_NAMES);
    expect(changes('package-lock.json').apps).toEqual(APP_NAMES);
    expect(changes('README.md', 'infra/README.md')).toEqual({ apps: [], environments: [] });
  });

  it('applies production only when its overlay or the base changed, never for a dev-only edit', () => {
    expect(changes('infra/k8s-dev/kustomization.yaml').environments).toEqual(['dev']);
    expect(changes('infra/k8s-staging/settings.yaml').environments).toEqual(['staging']);
    expect(changes('infra/k8s-prod/autoscaling.yaml').environments).toEqual(['staging', 'production']);
    expect(changes('infra/k8s/apps/orders.yaml').environments).toEqual(['dev', 'staging', 'production']);
    expect(changes('infra/argocd/ticketing-prod.yaml', 'infra/test/pipeline.test.ts').environments).toEqual([]);
  });

  it('counts everything as changed when the base commit is unknown (first push, force push, a run by hand)', () => {
    const result = node(PIPELINE, ['changes', '--base', '0000000000000000000000000000000000000000', '--head', 'HEAD']);
    expect(result.stdout).toContain(`apps=${JSON.stringify(APP_NAMES)}`);
    expect(result.stdout).toContain('environments=["dev","staging","production"]');
  });
});

describe('Argo CD', () => {
  const applications = () =>
    listRepoFiles('infra/argocd').flatMap((file) => parseYamlDocuments(readRepoFile(file), file)) as Parameters<
      typeof argoProblems
    >[0];
  const repoURL = () =>
    ((JSON.parse(readRepoFile('common/package.json')) as { repository: { url: string } }).repository.url ?? '').replace(
      /^git\+/,
      '',
    );

  it('has an Application per environment on this repository; dev and staging sync themselves, production by hand without a cascading finalizer', () => {
    expect(argoProblems(applications(), ENVIRONMENTS, repoURL())).toEqual([]);
  });

  it('reports automated production sync, a cascading finalizer, a wrong namespace and a missing environment', () => {
    const apps = applications();
    const production = apps.find((app) => app.metadata.name === 'ticketing-prod');
    if (!production) throw new Error('no ticketing-prod');
    production.spec.syncPolicy = { automated: { prune: true } };
    production.metadata.finalizers = ['resources-finalizer.argocd.argoproj.io'];
    const dev = apps.find((app) => app.metadata.name === 'ticketing-dev');
    if (dev) dev.spec.destination.namespace = 'ticketing';
    expect(
      argoProblems(
        apps.filter((app) => app.metadata.name !== 'ticketing-staging'),
        ENVIRONMENTS,
        repoURL(),
      ),
    ).toEqual([
      'Application ticketing-dev: destination namespace ticketing is not ticketing-dev',
      'no Argo CD Application for staging (infra/k8s-staging)',
      'Application ticketing-prod: production must be synced by hand (no automated policy)',
      'Application ticketing-prod: a finalizer would delete production with the Application',
    ]);
  });
});

describe('repository settings', () => {
  it('the ruleset for main requires a review and the ci gate, which runs on every pull request', () => {
    const ruleset = JSON.parse(readRepoFile('.github/rulesets/main.json')) as {
      target: string;
      enforcement: string;
      conditions: { ref_name: { include: string[] } };
      rules: { type: string; parameters?: Record<string, unknown> }[];
      bypass_actors: { actor_type: string }[];
    };
    expect(ruleset).toMatchObject({
      target: 'branch',
      enforcement: 'active',
      conditions: { ref_name: { include: ['~DEFAULT_BRANCH'] } },
    });
    const rule = (type: string) => ruleset.rules.find((candidate) => candidate.type === type)?.parameters;
    expect(rule('pull_request')?.required_approving_review_count).toBeGreaterThanOrEqual(1);
    const checks = rule('required_status_checks')?.required_status_checks as { context: string }[];
    expect(checks.map((check) => check.context)).toEqual(['checks']);
    const ci = parse(readRepoFile('.github/workflows/ci.yml')) as {
      on: Record<string, unknown>;
      jobs: Record<string, unknown>;
    };
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(ci.jobs.checks).toBeDefined();
    // Only the deploy key that commits image digests may push to main without a pull request.
    expect(ruleset.bypass_actors.map((actor) => actor.actor_type)).toEqual(['DeployKey']);
  });

  it('Dependabot updates npm, the pinned actions and the Node base image of every Dockerfile, grouped', () => {
    const config = parse(readRepoFile('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string; directory?: string; directories?: string[]; groups?: object }[];
    };
    const byEcosystem = new Map(config.updates.map((update) => [update['package-ecosystem'], update]));
    for (const ecosystem of ['npm', 'github-actions', 'docker']) {
      expect(byEcosystem.get(ecosystem)?.groups).toBeDefined();
    }
    expect(byEcosystem.get('docker')?.directories?.sort()).toEqual(APP_NAMES.map((app) => `/${app}`).sort());
  });
});

describe('smoke test (smoke.mjs) against a stand-in that fails one step', () => {
  /** A public key as /api/passes/keys publishes it, or with its private part when `leak`. */
  const passKey = (leak = false) => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const { d, ...publicJwk } = privateKey.export({ format: 'jwk' });
    return { ...publicJwk, ...(leak ? { d } : {}), kid: 'key-1' };
  };
  const serve = (
    tickets: number,
    { orders = 200, keys = [passKey()], catalog = 200 }: { orders?: number; keys?: object[]; catalog?: number } = {},
  ) =>
    new Promise<{ url: string; close: () => void }>((resolve) => {
      const server = createServer((request, response) => {
        const json = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (request.url === '/') {
          response.writeHead(200, { 'content-type': 'text/html' });
          response.end('<!doctype html><title>Ticketing</title>');
        } else if (request.url === '/api/users/currentuser') json(200, { currentUser: null });
        else if (request.url === '/api/tickets')
          json(tickets, tickets === 200 ? [] : { errors: [{ message: 'Something went wrong' }] });
        else if (request.url === '/api/events')
          json(catalog, catalog === 200 ? { events: [], nextCursor: null } : { errors: [{ message: 'Not found' }] });
        else if (request.url === '/api/orders')
          json(orders, orders === 200 ? [] : { errors: [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }] });
        else if (request.url === '/api/passes/keys') json(200, { keys });
        else if (request.url === '/api/passes') json(401, { errors: [{ message: 'Not authorized' }] });
        else json(404, { errors: [{ message: 'Not found' }] });
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
      });
    });
  const smoke = (url: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = require('node:child_process').execFile(
        process.execPath,
        [path.join(ROOT, '.github/scripts/smoke.mjs'), url, '--read-only'],
        (error: { code?: number } | null, stdout: string, stderr: string) =>
          resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr }),
      );
      return child;
    });

  it('fails on a 500 from the listing, naming the step', async () => {
    const stand = await serve(500);
    try {
      const result = await smoke(stand.url);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/ticket listing: expected HTTP 200, got 500/);
    } finally {
      stand.close();
    }
  });

  it('passes against a stand-in that answers every read-only step as it should', async () => {
    const stand = await serve(200, { orders: 401 });
    try {
      const result = await smoke(stand.url);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/✓ passes publishes its public keys/);
    } finally {
      stand.close();
    }
  });

  it('fails when the passes JWK set publishes a private key', async () => {
    const stand = await serve(200, { orders: 401, keys: [passKey(true)] });
    try {
      const result = await smoke(stand.url);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/pass keys: key key-1 publishes its private part \(d\)/);
    } finally {
      stand.close();
    }
  });

  it('fails when /api/events is not routed to the catalog', async () => {
    const stand = await serve(200, { orders: 401, catalog: 404 });
    try {
      const result = await smoke(stand.url);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/✓ tickets lists/);
      expect(result.stderr).toMatch(/event catalog: expected HTTP 200, got 404/);
    } finally {
      stand.close();
    }
  });

  it("verifies a pass's code with the JWK set as a scanner would: another key's signature or a tampered payload fails", () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keys = [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1' }];
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = (payload: object, key = privateKey, kid = 'key-1') => {
      const input = `${encode({ alg: 'EdDSA', kid })}.${encode(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
    };
    const check = (code: string) => {
      const script = `import('${path.join(ROOT, '.github/scripts/smoke.mjs')}').then(({ verifyPassCode }) => { try { verifyPassCode(${JSON.stringify(code)}, ${JSON.stringify(keys)}); console.log('ok'); } catch (error) { console.log(error.message); } })`;
      return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout.trim();
    };
    const code = signed({ pass: 'p1', generation: 1 });
    expect(check(code)).toBe('ok');
    const [header, , signature] = code.split('.');
    expect(check(`${header}.${encode({ pass: 'p1', generation: 2 })}.${signature}`)).toBe(
      'the pass: its signature does not verify with the published key',
    );
    expect(check(signed({ pass: 'p1' }, generateKeyPairSync('ed25519').privateKey))).toBe(
      'the pass: its signature does not verify with the published key',
    );
    expect(check(signed({ pass: 'p1' }, privateKey, 'key-0'))).toBe('the pass: kid key-0 is not in the JWK set');
    expect(check('not-a-jws')).toBe('the pass: its code is not a compact JWS');
  });

  it('fails when orders answers a signed-out request instead of refusing it', async () => {
    const stand = await serve(200);
    try {
      const result = await smoke(stand.url);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/✓ the event catalog lists/);
      expect(result.stderr).toMatch(/orders when signed out: expected HTTP 401, got 200/);
    } finally {
      stand.close();
    }
  });
});
