#!/usr/bin/env node
// The delivery pipeline's decisions, in one place the workflows call and the offline tests run:
//   changes  --base <sha> --head <sha> | --all | --none   which apps to build and which environments'
//                                                manifests to apply (JSON; also $GITHUB_OUTPUT)
//   environment <name>                           its overlay, namespace, state file and inputs
// (`--github-output` also appends the `key=value` lines to the step's outputs)
//   set-digest <environment> <app> <sha256:…>   records an app's image digest in the GitOps state
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const APPS = ['auth', 'tickets', 'orders', 'payments', 'passes', 'expiration', 'client'];

/** Files every app image is built from besides its own folder (see each Dockerfile and .dockerignore). */
const SHARED_BUILD_INPUTS = ['common/', 'package.json', 'package-lock.json', 'tsconfig.base.json', '.dockerignore'];

/**
 * The three environments, in promotion order. Each overlay names its own namespace; its GitOps
 * state (images/digests.env) says which image digest each app runs there. `inputs` are the
 * paths whose change alters what the overlay renders.
 */
export const ENVIRONMENTS = {
  dev: {
    overlay: 'infra/k8s-dev-cluster',
    namespace: 'ticketing-dev',
    inputs: ['infra/k8s/', 'infra/k8s-dev/', 'infra/k8s-dev-cluster/', 'infra/components/'],
  },
  staging: {
    overlay: 'infra/k8s-staging',
    namespace: 'ticketing-staging',
    inputs: ['infra/k8s/', 'infra/k8s-prod/', 'infra/k8s-staging/', 'infra/components/'],
  },
  production: {
    overlay: 'infra/k8s-prod',
    namespace: 'ticketing',
    inputs: ['infra/k8s/', 'infra/k8s-prod/', 'infra/components/'],
  },
};

/** What a digest that was never deployed looks like in a state file. */
export const NOT_DEPLOYED = `sha256:${'0'.repeat(64)}`;

const touches = (files, prefixes) =>
  files.some((file) => prefixes.some((prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix)));

/** The apps to build and the environments whose manifests to apply, for these changed files. */
export function affected(files) {
  const apps = APPS.filter((app) => touches(files, [`${app}/`, ...SHARED_BUILD_INPUTS]));
  const environments = Object.entries(ENVIRONMENTS)
    .filter(([, environment]) => touches(files, environment.inputs))
    .map(([name]) => name);
  return { apps, environments };
}

/** Files changed between two commits (base...head: since they diverged); null when base is unknown. */
function changedFiles(base, head) {
  if (!base || /^0+$/.test(base)) return null;
  try {
    execFileSync('git', ['cat-file', '-e', `${base}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    return null;
  }
  const output = execFileSync('git', ['diff', '--name-only', `${base}...${head}`], { cwd: ROOT, encoding: 'utf8' });
  return output.split('\n').filter(Boolean);
}

export const stateFile = (environment) => path.join(ENVIRONMENTS[environment].overlay, 'images', 'digests.env');

/** Sets `<app>=<digest>` in an env file's text, keeping every other line (comments included). */
export function withDigest(text, app, digest) {
  if (!APPS.includes(app)) throw new Error(`unknown app ${app} (one of ${APPS.join(', ')})`);
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new Error(`${digest} is not a sha256 digest`);
  const line = new RegExp(`^${app}=.*$`, 'm');
  if (!line.test(text)) throw new Error(`the state has no line for ${app}`);
  return text.replace(line, `${app}=${digest}`);
}

/** Prints `key=value` lines; with `githubOutput`, appends them to the step's outputs as well. */
function setOutputs(values, githubOutput) {
  const lines = Object.entries(values).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  if (githubOutput && process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

function main([command, ...args]) {
  const githubOutput = args.includes('--github-output');
  const option = (name) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  if (command === 'changes') {
    if (args.includes('--none')) return setOutputs({ apps: [], environments: [] }, githubOutput);
    const files = args.includes('--all') ? null : changedFiles(option('base'), option('head') ?? 'HEAD');
    // An unknown base (a first push, a force push, a run by hand): everything counts as changed.
    const result = files ? affected(files) : { apps: APPS, environments: Object.keys(ENVIRONMENTS) };
    setOutputs(result, githubOutput);
    return;
  }
  if (command === 'environment') {
    const [name] = args;
    const environment = ENVIRONMENTS[name];
    if (!environment) throw new Error(`unknown environment ${name} (one of ${Object.keys(ENVIRONMENTS).join(', ')})`);
    setOutputs(
      {
        overlay: environment.overlay,
        namespace: environment.namespace,
        state: stateFile(name),
        inputs: environment.inputs.join(' '),
      },
      githubOutput,
    );
    return;
  }
  if (command === 'set-digest') {
    const [environment, app, digest] = args;
    if (!ENVIRONMENTS[environment]) throw new Error(`unknown environment ${environment}`);
    const file = path.join(ROOT, stateFile(environment));
    writeFileSync(file, withDigest(readFileSync(file, 'utf8'), app, digest));
    return;
  }
  throw new Error(`usage: pipeline.mjs changes|environment|set-digest … (got ${command ?? 'nothing'})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`pipeline: ${error.message}`);
    process.exit(1);
  }
}
