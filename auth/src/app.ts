import {
  authApi,
  createServiceApp,
  type Database,
  type Logger,
  type OutboxRelay,
  type Redis,
  registerOutboxMetrics,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { schema } from './db/schema';
import { type RateLimitConfig, signInLimiters, signUpLimiter } from './routes/rate-limits';
import { sessionRouter } from './routes/session.router';
import { signinRouter } from './routes/signin.router';
import { signupRouter } from './routes/signup.router';

export interface AppDeps {
  config: Pick<Config, 'JWT_KEY' | 'JWT_TTL_SECONDS' | 'NODE_ENV'> &
    RateLimitConfig &
    Partial<Pick<Config, 'TRUST_PROXY'>>;
  db: Database<typeof schema>;
  /** Runs the sign-outs with their events (outbox) and wakes the relay after commit. */
  relay: OutboxRelay<typeof schema>;
  logger: Logger;
  /**
   * Where the rate limits count, shared by every replica; without it each process counts alone.
   * While it does not answer, each process counts in memory (see `createRateLimiter`).
   */
  redis?: Redis;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS, Redis), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, relay, logger, redis, readiness, dependencies }: AppDeps): Express {
  const sessions = { db, relay, jwtKey: config.JWT_KEY, ttlSeconds: config.JWT_TTL_SECONDS };
  const app = createServiceApp({
    service: 'auth',
    api: authApi,
    logger,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
    // auth checks the session's row itself (routes/session.router.ts): it is the authority.
    jwtKey: config.JWT_KEY,
    writesSession: true,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      const rateLimits = { service: 'auth', redis, logger, registry: app.locals.metrics.registry };
      app.use(signupRouter({ ...sessions, limiters: [signUpLimiter(rateLimits, config)] }));
      app.use(signinRouter({ ...sessions, limiters: signInLimiters(rateLimits, config) }));
      app.use(sessionRouter(sessions));
    },
  });
  registerOutboxMetrics(app.locals.metrics.registry, db);
  return app;
}
