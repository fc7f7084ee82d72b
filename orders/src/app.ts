import { createServiceApp, type Logger, registerOutboxMetrics, type SessionRevocations } from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { OrdersDeps } from './domain/deps';
import { deleteOrderRouter } from './routes/delete-order.router';
import { indexOrdersRouter } from './routes/index-orders.router';
import { newOrderRouter } from './routes/new-order.router';
import { showOrderRouter } from './routes/show-order.router';

/** The currency comes from `config` (PAYMENT_CURRENCY), as it does for the listeners. */
export interface AppDeps extends Omit<OrdersDeps, 'currency'> {
  config: Pick<Config, 'JWT_KEY' | 'NODE_ENV' | 'EXPIRATION_WINDOW_SECONDS' | 'PAYMENT_CURRENCY'>;
  /** The revoked sessions, in memory: their cookies are refused. */
  revocations: SessionRevocations;
  logger: Logger;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, relay, revocations, logger, readiness, dependencies }: AppDeps): Express {
  const orders = { db, relay, currency: config.PAYMENT_CURRENCY };
  const app = createServiceApp({
    service: 'orders',
    logger,
    jwtKey: config.JWT_KEY,
    isSessionRevoked: revocations.isRevoked,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      app.use(newOrderRouter(orders, { windowSeconds: config.EXPIRATION_WINDOW_SECONDS }));
      app.use(indexOrdersRouter(orders));
      app.use(showOrderRouter(orders));
      app.use(deleteOrderRouter(orders));
    },
  });
  registerOutboxMetrics(app.locals.metrics.registry, db);
  revocations.registerMetrics(app.locals.metrics.registry);
  return app;
}
