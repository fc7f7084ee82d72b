import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { appContainer, imageName, natsVersionProblem, providedEnv, selects } from './lib/checks';
import { byName, type K8sObject, ofKind, render } from './lib/kustomize';
import { APP_NAMES, listRepoFiles, readRepoFile } from './lib/repo';

const clientEnv = (objects: K8sObject[]) => {
  const container = appContainer(byName<IDeployment>(objects, 'Deployment', 'client-depl'));
  if (!container) throw new Error('no client container');
  return providedEnv(container, objects).vars;
};
const ingressHosts = (objects: K8sObject[]) => {
  const ingress = byName<IIngress>(objects, 'Ingress', 'ingress-service');
  return {
    rules: (ingress.spec?.rules ?? []).map((rule) => rule.host),
    tls: (ingress.spec?.tls ?? []).flatMap((entry) => entry.hosts ?? []),
  };
};

describe('infra/k8s-dev', () => {
  const objects = () => render('infra/k8s-dev');

  it('serves ticketing.dev, and the client names that host in its own calls', () => {
    expect(ingressHosts(objects()).rules).toEqual(['ticketing.dev']);
    expect(clientEnv(objects()).get('API_HOST')?.value).toBe('ticketing.dev');
  });

  it('runs one replica of everything', () => {
    const workloads = [
      ...ofKind<IDeployment>(objects(), 'Deployment'),
      ...ofKind<IStatefulSet>(objects(), 'StatefulSet'),
    ];
    expect(
      workloads.filter((workload) => workload.spec?.replicas !== 1).map((workload) => workload.metadata?.name),
    ).toEqual([]);
  });

  it('runs the images as skaffold builds them, without a registry', () => {
    const images = ofKind<IDeployment>(objects(), 'Deployment').map((deployment) => appContainer(deployment)?.image);
    expect(images.sort()).toEqual(APP_NAMES.map((app) => `ticketing/${app}`).sort());
  });

  it('leaves the namespace out, so skaffold does not delete the hand-made Secrets and the volumes with it', () => {
    expect(ofKind(objects(), 'Namespace')).toEqual([]);
    expect(ofKind(render('infra/k8s-prod'), 'Namespace').map((namespace) => namespace.metadata.name)).toEqual([
      'ticketing',
    ]);
  });

  it('has no HorizontalPodAutoscalers or PodDisruptionBudgets (one replica each)', () => {
    expect(ofKind(objects(), 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(objects(), 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('infra/k8s-prod', () => {
  const objects = () => render('infra/k8s-prod');
  const settings = () => {
    const text = readRepoFile('infra/k8s-prod/settings.yaml');
    return { host: /^\s+host: (\S+)$/m.exec(text)?.[1] ?? '', dockerId: /^\s+dockerId: (\S+)$/m.exec(text)?.[1] ?? '' };
  };

  it('sets the host in one place: settings.yaml feeds the Ingress, TLS, the load balancer and the client', () => {
    const { host } = settings();
    expect(host).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
    const mentions = listRepoFiles('infra/k8s-prod').filter((file) => readRepoFile(file).includes(host));
    expect(mentions).toEqual(['infra/k8s-prod/settings.yaml']);
    expect(ingressHosts(objects())).toEqual({ rules: [host], tls: [host] });
    const controller = byName<IService>(objects(), 'Service', 'ingress-nginx-controller');
    expect(controller.metadata?.annotations?.['service.beta.kubernetes.io/do-loadbalancer-hostname']).toBe(host);
    expect(clientEnv(objects()).get('API_URL')?.value).toBe(`https://${host}`);
    expect(clientEnv(objects()).get('API_HOST')?.value).toBe(host);
    expect(objects().some((object) => object.metadata.name === 'prod-settings')).toBe(false);
  });

  it('configures the ingress-nginx controller for the DigitalOcean load balancer (PROXY protocol, client IPs)', () => {
    const controller = byName<IService>(objects(), 'Service', 'ingress-nginx-controller');
    expect(controller.metadata?.namespace).toBe('ingress-nginx');
    expect(controller.metadata?.annotations?.['service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol']).toBe(
      'true',
    );
    expect(controller.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    const config = byName<IConfigMap>(objects(), 'ConfigMap', 'ingress-nginx-controller');
    expect(config.metadata?.namespace).toBe('ingress-nginx');
    expect(config.data?.['use-proxy-protocol']).toBe('true');
  });

  it('serves HTTPS with a certificate from cert-manager (the session cookie is Secure in production)', () => {
    const ingress = byName<IIngress>(objects(), 'Ingress', 'ingress-service');
    expect(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ingress.spec?.tls?.[0]?.secretName).toBeTruthy();
    const issuer = readRepoFile('infra/cluster/letsencrypt-issuer.yaml');
    expect(issuer).toMatch(/^ {2}name: letsencrypt-prod$/m);
  });

  it('pulls <dockerId>/<app> for every app', () => {
    const { dockerId } = settings();
    const images = ofKind<IDeployment>(objects(), 'Deployment').map((deployment) =>
      imageName(appContainer(deployment)?.image ?? ''),
    );
    expect(images.sort()).toEqual(APP_NAMES.map((app) => `${dockerId}/${app}`).sort());
  });

  it('runs at least two replicas of every stateless app, autoscaled (autoscaling/v2, which alone sets the count) and protected by a disruption budget', () => {
    const hpas = ofKind<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler');
    const pdbs = ofKind<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget');
    for (const deployment of ofKind<IDeployment>(objects(), 'Deployment')) {
      const name = deployment.metadata?.name;
      // A count in the manifest would reset the autoscaler's on every apply.
      expect(deployment.spec?.replicas).toBeUndefined();
      const hpa = hpas.find((candidate) => candidate.spec?.scaleTargetRef.name === name);
      expect(hpa?.apiVersion).toBe('autoscaling/v2');
      expect(hpa?.spec?.scaleTargetRef.kind).toBe('Deployment');
      expect(hpa?.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa?.metadata?.namespace).toBe(deployment.metadata?.namespace);
      const labels = deployment.spec?.template.metadata?.labels ?? {};
      const pdb = pdbs.find((candidate) => selects(candidate.spec?.selector, labels));
      expect(pdb?.spec?.minAvailable ?? 0).toBeGreaterThanOrEqual(1);
      expect(pdb?.spec?.minAvailable).toBeLessThan(hpa?.spec?.minReplicas ?? 0);
    }
  });

  it('runs NATS as a cluster of three on separate nodes, with routes to each server and streams of three replicas', () => {
    const nats = byName<IStatefulSet>(objects(), 'StatefulSet', 'nats');
    expect(nats.spec?.replicas).toBe(3);
    expect(nats.spec?.podManagementPolicy).toBe('Parallel');
    expect(nats.spec?.template.spec?.topologySpreadConstraints?.[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'DoNotSchedule',
    });
    const configMap = ofKind<IConfigMap>(objects(), 'ConfigMap').find((cm) =>
      cm.metadata?.name?.startsWith('nats-config-'),
    );
    const config = configMap?.data?.['nats.conf'] ?? '';
    for (let server = 0; server < 3; server += 1) expect(config).toContain(`nats://nats-${server}.nats-headless:6222`);
    expect(config).toMatch(/^\s*sync_interval:\s*always$/m);
    const headless = byName<IService>(objects(), 'Service', nats.spec?.serviceName ?? '');
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    for (const app of ['tickets', 'orders', 'payments', 'passes', 'expiration']) {
      const container = appContainer(byName<IDeployment>(objects(), 'Deployment', `${app}-depl`));
      const vars = container ? providedEnv(container, objects()).vars : new Map();
      expect(vars.get('NATS_STREAM_REPLICAS')?.value).toBe('3');
    }
    const pdb = byName<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget', 'nats-pdb');
    expect(pdb.spec?.maxUnavailable).toBe(1);
  });

  it.each(['infra/k8s', 'infra/k8s-dev', 'infra/k8s-prod'])('%s runs NATS 2.10.23 or newer', (overlay) => {
    const image =
      byName<IStatefulSet>(render(overlay), 'StatefulSet', 'nats').spec?.template.spec?.containers.find(
        (container) => container.name === 'nats',
      )?.image ?? '';
    expect(natsVersionProblem(image)).toBeUndefined();
  });

  it('reports a NATS release with the stream-loss bug and an unpinned one', () => {
    expect(natsVersionProblem('nats:2.10.22-alpine')).toBe(
      'nats:2.10.22-alpine: NATS before 2.10.23 can lose streams after crashes',
    );
    expect(natsVersionProblem('nats:2.9.25')).toMatch(/before 2\.10\.23/);
    expect(natsVersionProblem('nats:latest')).toBe('nats:latest: pin an exact NATS version');
    expect(natsVersionProblem('nats:2.12.3-alpine')).toBeUndefined();
  });
});
