import http from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { checkApi } from '@/lib/api-health';

/**
 * The client's Prometheus metrics on a port of their own (METRICS_PORT), not on the app's port:
 * the Ingress routes every path of the app's port to the public, and /metrics must not be public.
 * Process metrics (CPU, memory, event loop lag, GC) labelled `service="client"`, and
 * `ticketing_dependency_up{dependency="api"}`, checked at each scrape. Its HTTP traffic is
 * measured by ingress-nginx, which serves every request of it.
 */
export function createClientMetrics(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'client' });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'ticketing_dependency_up',
    help: 'Whether a dependency answered its health check at scrape time (1) or not (0)',
    labelNames: ['dependency'] as const,
    registers: [registry],
    async collect() {
      this.set({ dependency: 'api' }, (await checkApi()).ok ? 1 : 0);
    },
  });
  return registry;
}

/** Serves `GET /metrics` of `registry` on `port` (all interfaces: Prometheus scrapes the pod IP). */
export function startMetricsServer(port: number, registry: Registry = createClientMetrics()): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
