import path from 'node:path';
import {
  closeListeners,
  connectNats,
  createDatabase,
  createLogger,
  createPublisher,
  ensureStream,
  natsReadiness,
  OutboxRelay,
  runMain,
  serve,
  startListeners,
} from '@ticketing/common';
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
  const database = await createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.PGLITE_DIR,
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
  });
  const nc = await connectNats({ url: config.NATS_URL, name: 'payments', logger });
  await ensureStream(nc, { replicas: config.NATS_STREAM_REPLICAS });
  const relay = new OutboxRelay({ db: database.db, publish: createPublisher(nc), logger });
  relay.start();
  const gateway = createGateway(config, logger);
  const metrics = createPaymentMetrics(gateway);
  const payments = { db: database.db, relay, gateway, metrics, logger, currency: config.PAYMENT_CURRENCY };
  const listeners = createPaymentListeners({ nc, logger, payments });
  await startListeners(listeners);

  const app = createApp({ config, ...payments, readiness: { db: database.ping, nats: natsReadiness(nc) } });
  serve({
    service: 'payments',
    app,
    port: config.PORT,
    logger,
    cleanup: [
      () => closeListeners(listeners),
      () => relay.stop(),
      async () => gateway.close(),
      () => nc.drain(),
      database.close,
    ],
  });
});
