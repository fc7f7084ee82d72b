import { createServiceApp, type Logger, registerOutboxMetrics } from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { PaymentsDeps } from './domain/deps';
import { createWebhookVerifier } from './gateway/stripe-webhooks';
import type { PaymentMetrics } from './metrics';
import { newPaymentRouter } from './routes/new-payment.router';
import { WEBHOOK_PATH, webhookRouter } from './routes/webhook.router';

export interface AppDeps extends Omit<PaymentsDeps, 'currency' | 'metrics'> {
  config: Pick<Config, 'JWT_KEY' | 'NODE_ENV' | 'PAYMENT_CURRENCY' | 'STRIPE_WEBHOOK_SECRET'>;
  metrics: PaymentMetrics;
  logger: Logger;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, relay, gateway, metrics, logger, readiness, dependencies }: AppDeps): Express {
  const payments: PaymentsDeps = { db, relay, gateway, metrics, logger, currency: config.PAYMENT_CURRENCY };
  const verify = config.STRIPE_WEBHOOK_SECRET ? createWebhookVerifier(config.STRIPE_WEBHOOK_SECRET) : undefined;
  const app = createServiceApp({
    service: 'payments',
    logger,
    jwtKey: config.JWT_KEY,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    // Stripe signs the exact bytes it sent: the webhook must see them unparsed.
    rawBodyPaths: [WEBHOOK_PATH],
    routes: (routes) => {
      routes.use(webhookRouter(payments, verify));
      routes.use(newPaymentRouter(payments));
    },
  });
  metrics.register(app.locals.metrics.registry);
  registerOutboxMetrics(app.locals.metrics.registry, db);
  return app;
}
