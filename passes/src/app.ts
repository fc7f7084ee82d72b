import {
  createServiceApp,
  type Logger,
  passesApi,
  registerOutboxMetrics,
  type SessionRevocations,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { PassesDeps } from './domain/deps';
import type { PassMetrics } from './metrics';
import { checkInRouter } from './routes/check-in.router';
import { holderPassesRouter } from './routes/holder-passes.router';
import { passKeysRouter } from './routes/pass-keys.router';

export interface AppDeps extends Omit<PassesDeps, 'metrics'> {
  config: Pick<Config, 'JWT_KEY' | 'NODE_ENV'> & Partial<Pick<Config, 'TRUST_PROXY'>>;
  metrics: PassMetrics;
  /** The revoked sessions, in memory: their cookies are refused. */
  revocations: SessionRevocations;
  logger: Logger;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({
  config,
  metrics,
  revocations,
  logger,
  readiness,
  dependencies,
  ...rest
}: AppDeps): Express {
  const passes: PassesDeps = { ...rest, metrics, logger };
  const app = createServiceApp({
    service: 'passes',
    api: passesApi,
    logger,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
    jwtKey: config.JWT_KEY,
    isSessionRevoked: revocations.isRevoked,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (routes) => {
      // The fixed paths come before /api/passes/:id.
      routes.use(passKeysRouter(passes.keys));
      routes.use(checkInRouter(passes));
      routes.use(holderPassesRouter(passes));
    },
  });
  metrics.register(app.locals.metrics.registry);
  registerOutboxMetrics(app.locals.metrics.registry, passes.db);
  revocations.registerMetrics(app.locals.metrics.registry);
  return app;
}
