import {
  createServiceApp,
  type Logger,
  ordersApi,
  type Redis,
  registerOutboxMetrics,
  type SessionRevocations,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { OrdersDeps } from './domain/deps';
import { deleteOrderRouter } from './routes/delete-order.router';
import { indexOrdersRouter } from './routes/index-orders.router';
import { newOrderRouter } from './routes/new-order.router';
import { showOrderRouter } from './routes/show-order.router';

/** The currency comes from `config` (PAYMENT_CURRENCY), as it does for the listeners. */
export interface AppDeps extends Omit<OrdersDeps, 'currency'> {
  config: Pick<
    Config,
    | 'JWT_KEY'
    | 'NODE_ENV'
    | 'EXPIRATION_WINDOW_SECONDS'
    | 'PAYMENT_CURRENCY'
    | 'MAX_ACTIVE_RESERVATIONS'
    | 'RESERVATION_COOLDOWN_SECONDS'
    | 'RATE_LIMIT_ORDERS'
    | 'BUYER_FEE_PERCENT'
  > &
    Partial<Pick<Config, 'TRUST_PROXY'>>;
  /** The revoked sessions, in memory: their cookies are refused. */
  revocations: SessionRevocations;
  logger: Logger;
  /**
   * Where the per-buyer request limit counts, shared by every replica; without it each process
   * counts alone. While it does not answer, each process counts in memory (see `createRateLimiter`).
   */
  redis?: Redis;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS, Redis), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({
  config,
  db,
  relay,
  revocations,
  logger,
  redis,
  readiness,
  dependencies,
}: AppDeps): Express {
  const orders = { db, relay, currency: config.PAYMENT_CURRENCY };
  const app = createServiceApp({
    service: 'orders',
    api: ordersApi,
    logger,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
    jwtKey: config.JWT_KEY,
    isSessionRevoked: revocations.isRevoked,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      app.use(
        newOrderRouter(orders, {
          windowSeconds: config.EXPIRATION_WINDOW_SECONDS,
          maxActiveReservations: config.MAX_ACTIVE_RESERVATIONS,
          cooldownSeconds: config.RESERVATION_COOLDOWN_SECONDS,
          buyerFeePercent: config.BUYER_FEE_PERCENT,
          requestsPerMinute: config.RATE_LIMIT_ORDERS,
          rateLimits: { service: 'orders', redis, logger, registry: app.locals.metrics.registry },
        }),
      );
      app.use(indexOrdersRouter(orders));
      app.use(showOrderRouter(orders));
      app.use(deleteOrderRouter(orders));
    },
  });
  registerOutboxMetrics(app.locals.metrics.registry, db);
  revocations.registerMetrics(app.locals.metrics.registry);
  return app;
}
