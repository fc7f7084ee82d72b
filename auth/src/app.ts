import { createServiceApp, type Database, type Logger } from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import { sessionRouter } from './routes/session.router';
import { signinRouter } from './routes/signin.router';
import { signupRouter } from './routes/signup.router';

export interface AppDeps {
  config: Pick<Config, 'JWT_KEY' | 'JWT_TTL_SECONDS' | 'NODE_ENV' | 'RATE_LIMIT_SIGNIN' | 'RATE_LIMIT_SIGNUP'>;
  db: Database;
  logger: Logger;
  /** Checks behind /readyz. */
  readiness: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, logger, readiness }: AppDeps): Express {
  const account = { db, jwtKey: config.JWT_KEY, jwtTtlSeconds: config.JWT_TTL_SECONDS };
  return createServiceApp({
    service: 'auth',
    logger,
    jwtKey: config.JWT_KEY,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    routes: (app) => {
      app.use(signupRouter({ ...account, limit: config.RATE_LIMIT_SIGNUP }));
      app.use(signinRouter({ ...account, limit: config.RATE_LIMIT_SIGNIN }));
      app.use(sessionRouter());
    },
  });
}
