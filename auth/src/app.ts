import {
  createServiceApp,
  type Database,
  type Logger,
  type OutboxRelay,
  registerOutboxMetrics,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { schema } from './db/schema';
import { sessionRouter } from './routes/session.router';
import { signinRouter } from './routes/signin.router';
import { signupRouter } from './routes/signup.router';

export interface AppDeps {
  config: Pick<Config, 'JWT_KEY' | 'JWT_TTL_SECONDS' | 'NODE_ENV' | 'RATE_LIMIT_SIGNIN' | 'RATE_LIMIT_SIGNUP'>;
  db: Database<typeof schema>;
  /** Runs the sign-outs with their events (outbox) and wakes the relay after commit. */
  relay: OutboxRelay<typeof schema>;
  logger: Logger;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, relay, logger, readiness, dependencies }: AppDeps): Express {
  const sessions = { db, relay, jwtKey: config.JWT_KEY, ttlSeconds: config.JWT_TTL_SECONDS };
  const app = createServiceApp({
    service: 'auth',
    logger,
    // auth checks the session's row itself (routes/session.router.ts): it is the authority.
    jwtKey: config.JWT_KEY,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      app.use(signupRouter({ ...sessions, limit: config.RATE_LIMIT_SIGNUP }));
      app.use(signinRouter({ ...sessions, limit: config.RATE_LIMIT_SIGNIN }));
      app.use(sessionRouter(sessions));
    },
  });
  registerOutboxMetrics(app.locals.metrics.registry, db);
  return app;
}
