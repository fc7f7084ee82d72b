import {
  createServiceApp,
  type Logger,
  type PaymentModeJson,
  paymentsApi,
  registerOutboxMetrics,
  type SessionRevocations,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { PaymentsDeps } from './domain/deps';
import { createWebhookVerifier } from './gateway/stripe-webhooks';
import type { PaymentMetrics } from './metrics';
import { claimsRouter } from './routes/claims.router';
import { newPaymentRouter } from './routes/new-payment.router';
import { paymentModeRouter } from './routes/payment-mode.router';
import { payoutsRouter } from './routes/payouts.router';
import { WEBHOOK_PATH, webhookRouter } from './routes/webhook.router';

export interface AppDeps
  extends Omit<PaymentsDeps, 'currency' | 'metrics' | 'orderWaitMs' | 'sellerFeePercent' | 'payoutHoldHours'> {
  config: Pick<
    Config,
    | 'JWT_KEY'
    | 'NODE_ENV'
    | 'PAYMENT_CURRENCY'
    | 'STRIPE_WEBHOOK_SECRET'
    | 'ORDER_WAIT_MS'
    | 'SELLER_FEE_PERCENT'
    | 'PAYOUT_HOLD_HOURS'
  > &
    Partial<Pick<Config, 'OPERATOR_EMAILS'>> &
    Partial<Pick<Config, 'TRUST_PROXY'>>;
  metrics: PaymentMetrics;
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
  db,
  relay,
  gateway,
  metrics,
  revocations,
  logger,
  readiness,
  dependencies,
  wakeRefunds,
}: AppDeps): Express {
  const payments: PaymentsDeps = {
    db,
    relay,
    gateway,
    metrics,
    logger,
    wakeRefunds,
    currency: config.PAYMENT_CURRENCY,
    orderWaitMs: config.ORDER_WAIT_MS,
    sellerFeePercent: config.SELLER_FEE_PERCENT,
    payoutHoldHours: config.PAYOUT_HOLD_HOURS,
  };
  const mode: PaymentModeJson = {
    gateway: gateway.name === 'sandbox' ? 'sandbox' : 'stripe',
    currency: config.PAYMENT_CURRENCY,
  };
  const verify = config.STRIPE_WEBHOOK_SECRET ? createWebhookVerifier(config.STRIPE_WEBHOOK_SECRET) : undefined;
  const app = createServiceApp({
    service: 'payments',
    api: paymentsApi,
    logger,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
    jwtKey: config.JWT_KEY,
    isSessionRevoked: revocations.isRevoked,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    // Stripe signs the exact bytes it sent: the webhook must see them unparsed.
    rawBodyPaths: [WEBHOOK_PATH],
    routes: (routes) => {
      routes.use(paymentModeRouter(mode));
      routes.use(webhookRouter(payments, verify));
      routes.use(newPaymentRouter(payments));
      routes.use(payoutsRouter(payments));
      routes.use(claimsRouter(payments, { operatorEmails: config.OPERATOR_EMAILS ?? [] }));
    },
  });
  metrics.register(app.locals.metrics.registry);
  registerOutboxMetrics(app.locals.metrics.registry, db);
  revocations.registerMetrics(app.locals.metrics.registry);
  return app;
}
