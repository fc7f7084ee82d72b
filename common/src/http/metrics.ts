import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type HealthChecks, runChecks } from './health';

/** Label a request gets when no route matched it (a 404), instead of its raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One app's Prometheus registry, its request-duration histogram and the middlewares using them. */
export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Times every request; the `route` label is the matched route pattern, never the raw URL. */
  middleware(): RequestHandler;
  /** Answers `GET /metrics` in the Prometheus text format. */
  handler(): RequestHandler;
}

/**
 * Creates a registry of its own (default process metrics labelled with `service`, plus
 * `http_request_duration_seconds`), so several apps can live in one process, as in tests.
 */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });

  return {
    registry,
    httpDuration,
    middleware: () => {
      // One child per label set, found by a string key: prom-client's own lookup hashes a
      // sorted copy of the labels on every observation.
      const series = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();
      return (req, res, next) => {
        const routeOf = trackMatchedRoute(req);
        const startedAt = performance.now();
        res.once('finish', () => {
          const route = routeOf();
          const key = `${req.method} ${res.statusCode} ${route}`;
          let child = series.get(key);
          if (!child) {
            child = httpDuration.labels({ method: req.method, route, status_code: String(res.statusCode) });
            series.set(key, child);
          }
          child.observe((performance.now() - startedAt) / 1000);
        });
        next();
      };
    },
    handler: () => async (_req, res) => {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    },
  };
}

const ROUTE = Symbol('route');
const PATTERN = Symbol('routePattern');
type TrackedRequest = Request & { [ROUTE]?: unknown; [PATTERN]?: string };
const tracked = new WeakSet<object>();

/**
 * Remembers the full pattern (`baseUrl` + route path) of the last route that matched.
 * It must be captured when the router sets `req.route`: by the time the response finishes, an
 * error may have unwound the routers and reset `req.baseUrl` to the parent's. The setter is
 * defined once on the app's request prototype (not on each request, which would make every
 * request object a slow dictionary-mode object).
 */
function trackMatchedRoute(req: Request): () => string {
  const prototype = Object.getPrototypeOf(req) as object;
  if (!tracked.has(prototype)) {
    tracked.add(prototype);
    Object.defineProperty(prototype, 'route', {
      configurable: true,
      enumerable: true,
      get(this: TrackedRequest) {
        return this[ROUTE];
      },
      set(this: TrackedRequest, value: unknown) {
        this[ROUTE] = value;
        const path = (value as { path?: unknown } | undefined)?.path;
        if (path !== undefined) this[PATTERN] = joinRoute(this.baseUrl, String(path));
      },
    });
  }
  const request = req as TrackedRequest;
  return () => request[PATTERN] ?? UNMATCHED_ROUTE;
}

function joinRoute(baseUrl: string, path: string): string {
  if (!baseUrl) return path;
  return path === '/' ? baseUrl : `${baseUrl}${path}`;
}

/**
 * `ticketing_dependency_up{dependency}`: 1 when the check passes at scrape time, 0 when not, for
 * each readiness check and dependency (`db`, `nats`, `redis`). The alerts watch it, since a
 * dependency outage no longer shows as pods that are not ready.
 */
export function registerDependencyGauge(registry: Registry, checks: HealthChecks, timeoutMs?: number): void {
  if (Object.keys(checks).length === 0) return;
  new Gauge({
    name: 'ticketing_dependency_up',
    help: 'Whether a dependency answered its health check at scrape time (1) or not (0)',
    labelNames: ['dependency'] as const,
    registers: [registry],
    async collect() {
      const { checks: results } = await runChecks(checks, timeoutMs);
      for (const [dependency, result] of Object.entries(results)) this.set({ dependency }, result === 'ok' ? 1 : 0);
    },
  });
}
