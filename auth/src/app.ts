import { createServiceApp, type Database, type Logger, type Redis } from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import { type RateLimitConfig, signInLimiters, signUpLimiter } from './routes/rate-limits';
import { sessionRouter } from './routes/session.router';
import { signinRouter } from './routes/signin.router';
import { signupRouter } from './routes/signup.router';

export interface AppDeps {
  config: Pick<Config, 'JWT_KEY' | 'JWT_TTL_SECONDS' | 'NODE_ENV'> & RateLimitConfig;
  db: Database;
  logger: Logger;
  /**
   * Where the rate limits count, shared by every replica; without it each process counts alone.
   * While it does not answer, each process counts in memory (see `createRateLimiter`).
   */
  redis?: Redis;
  /** Checks behind /readyz. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (Redis), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, logger, redis, readiness, dependencies }: AppDeps): Express {
  const account = { db, jwtKey: config.JWT_KEY, jwtTtlSeconds: config.JWT_TTL_SECONDS };
  return createServiceApp({
    service: 'auth',
    logger,
    jwtKey: config.JWT_KEY,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      const rateLimits = { service: 'auth', redis, logger, registry: app.locals.metrics.registry };
      app.use(signupRouter({ ...account, limiters: [signUpLimiter(rateLimits, config)] }));
      app.use(signinRouter({ ...account, limiters: signInLimiters(rateLimits, config) }));
      app.use(sessionRouter());
    },
  });
}
