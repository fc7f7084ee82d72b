import { createServiceApp, type Logger, type ReadinessCheck } from '@ticketing/common';
import type { Express } from 'express';
import { type ExpirationMetrics, registerExpirationMetrics } from './metrics';

export interface AppDeps {
  logger: Logger;
  /** Checks behind /readyz: `redis` and `nats`. */
  readiness: Record<string, ReadinessCheck>;
  /** The service's job metrics, added to the app's /metrics. */
  metrics: ExpirationMetrics;
}

/** expiration has no public API: /livez, /readyz and /metrics only. */
export function createApp({ logger, readiness, metrics }: AppDeps): Express {
  const app = createServiceApp({ service: 'expiration', logger, readiness, routes: () => {} });
  registerExpirationMetrics(app.locals.metrics.registry, metrics);
  return app;
}
