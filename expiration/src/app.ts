import { createServiceApp, type Logger, type ReadinessCheck } from '@ticketing/common';
import type { Express } from 'express';
import { type ExpirationMetrics, registerExpirationMetrics } from './metrics';

export interface AppDeps {
  logger: Logger;
  /**
   * Checks behind /readyz: none by default (the process answers). Redis and NATS are
   * dependencies, reported by /healthz/details: expiration serves no requests of its own, and
   * taking its pods out of rotation during a Redis or NATS blip would only stall roll-outs.
   */
  readiness?: Record<string, ReadinessCheck>;
  /** Dependencies reported by /healthz/details and `ticketing_dependency_up`: `redis` and `nats`. */
  dependencies: Record<string, ReadinessCheck>;
  /** The service's job metrics, added to the app's /metrics. */
  metrics: ExpirationMetrics;
  /** `TRUST_PROXY` (see createServiceApp); default loopback. */
  trustProxy?: string;
}

/** expiration has no public API: /livez, /readyz and /metrics only. */
export function createApp({ logger, readiness = {}, dependencies, metrics, trustProxy }: AppDeps): Express {
  const app = createServiceApp({
    service: 'expiration',
    logger,
    readiness,
    dependencies,
    ...(trustProxy ? { trustProxy } : {}),
    routes: () => {},
  });
  registerExpirationMetrics(app.locals.metrics.registry, metrics);
  return app;
}
