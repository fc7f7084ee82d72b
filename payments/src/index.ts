import path from 'node:path';
import { closeListeners, createLogger, openEventService, runMain, serve, startListeners } from '@ticketing/common';
import { createApp } from './app';
import { loadPaymentsConfig } from './config';
import { schema } from './db/schema';
import { createPaymentListeners } from './events/payment-listeners';
import { createGateway } from './gateway/create-gateway';
import { createPaymentMetrics } from './metrics';

// Start-up order: config → database (migrations) → NATS → stream → outbox relay → gateway → listeners → HTTP.
runMain('payments', async () => {
  const config = loadPaymentsConfig();
  const logger = createLogger('payments', config.LOG_LEVEL);
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('payments', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
  });
  const gateway = createGateway(config, logger);
  const metrics = createPaymentMetrics(gateway);
  const payments = { db: database.db, relay, gateway, metrics, logger, currency: config.PAYMENT_CURRENCY };
  const listeners = createPaymentListeners({ nc, logger, payments });
  await startListeners(listeners);

  const app = createApp({ config, ...payments, readiness, dependencies });
  serve({
    service: 'payments',
    app,
    port: config.PORT,
    logger,
    // The gateway closes after the listeners (a refund may be in flight) and before NATS drains.
    cleanup: [() => closeListeners(listeners), async () => gateway.close(), ...shutdown],
  });
});
