import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  closeListeners,
  createLogger,
  eventOperationCommands,
  openEventService,
  openSessionRevocations,
  registerDeadLetterGauge,
  runMain,
  SESSION_REVOCATION_TABLES,
  serve,
  serveAdminCommands,
  startListeners,
} from '@ticketing/common';
import { createApp } from './app';
import { isSandbox, loadPaymentsConfig } from './config';
import { schema, stripeEvents } from './db/schema';
import type { PaymentsDeps } from './domain/deps';
import { paymentAdminCommands } from './events/admin-commands';
import { createPaymentListeners } from './events/payment-listeners';
import { createGateway } from './gateway/create-gateway';
import { PaymentReconciler } from './jobs/payment-reconciler';
import { PayoutScheduler } from './jobs/payout-scheduler';
import { RefundWorker } from './jobs/refund-worker';
import { createPaymentMetrics } from './metrics';
import { WEBHOOK_PATH } from './routes/webhook.router';

// Start-up order: config → database (migrations) → NATS → stream → outbox relay → session
// revocations → gateway → listeners → refund worker, reconciler and payout scheduler → HTTP.
runMain('payments', async () => {
  const config = loadPaymentsConfig();
  const logger = createLogger('payments', config.LOG_LEVEL);
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('payments', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
    // A Stripe event id is remembered only while Stripe may still redeliver it (it retries for days).
    retainedTables: [{ table: stripeEvents, writtenAt: stripeEvents.receivedAt }, ...SESSION_REVOCATION_TABLES],
  });
  const sessions = await openSessionRevocations({ nc, logger, service: 'payments', db: database.db });
  // The sandbox signs its own webhook events: with the secret npm start made, or one of its own.
  const webhookSecret =
    config.STRIPE_WEBHOOK_SECRET ?? (isSandbox(config) ? `whsec_${randomBytes(24).toString('hex')}` : undefined);
  const gateway = createGateway(config, {
    db: database.db,
    logger,
    sandboxWebhooks: webhookSecret
      ? { url: `http://127.0.0.1:${config.PORT}${WEBHOOK_PATH}`, secret: webhookSecret }
      : undefined,
  });
  const metrics = createPaymentMetrics(gateway, database.db);
  const payments: PaymentsDeps = {
    db: database.db,
    relay,
    gateway,
    metrics,
    logger,
    currency: config.PAYMENT_CURRENCY,
    orderWaitMs: config.ORDER_WAIT_MS,
    gapHealMs: config.GAP_HEAL_SECONDS * 1000,
    sellerFeePercent: config.SELLER_FEE_PERCENT,
    payoutHoldHours: config.PAYOUT_HOLD_HOURS,
    wakeRefunds: () => refundWorker.wake(),
  };
  const unsettledAfterMs = config.RECONCILE_AFTER_SECONDS * 1000;
  const refundWorker = new RefundWorker({ payments, unsettledAfterMs });
  const reconciler = new PaymentReconciler({
    payments,
    intervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
    unsettledAfterMs,
  });
  const payoutScheduler = new PayoutScheduler({
    payments,
    intervalMs: config.PAYOUT_INTERVAL_SECONDS * 1000,
    maxAttempts: config.PAYOUT_MAX_ATTEMPTS,
    leaseMs: config.PAYOUT_LEASE_SECONDS * 1000,
  });
  const listeners = [...createPaymentListeners({ nc, logger, payments }), ...sessions.listeners];
  await startListeners(listeners);
  refundWorker.start();
  reconciler.start();
  payoutScheduler.start();
  const admin = serveAdminCommands(nc, {
    service: 'payments',
    handlers: {
      ...eventOperationCommands(nc, { service: 'payments', listeners, db: database.db, relay }),
      ...paymentAdminCommands(payments, { wakePayouts: () => payoutScheduler.wake() }),
    },
    logger,
  });

  const app = createApp({
    config: { ...config, STRIPE_WEBHOOK_SECRET: webhookSecret },
    ...payments,
    metrics,
    revocations: sessions.revocations,
    readiness,
    dependencies,
  });
  registerDeadLetterGauge(app.locals.metrics.registry, nc, 'payments');
  serve({
    service: 'payments',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    // The jobs and listeners stop before the gateway (a refund may be in flight), which closes before NATS drains.
    cleanup: [
      () => admin.stop(),
      () => reconciler.stop(),
      () => payoutScheduler.stop(),
      () => refundWorker.stop(),
      () => closeListeners(listeners),
      () => sessions.revocations.stop(),
      () => gateway.close(),
      ...shutdown,
    ],
  });
});
