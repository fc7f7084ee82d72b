import path from 'node:path';
import {
  closeListeners,
  closeRedisConnection,
  createLogger,
  createRateLimitRedis,
  eventOperationCommands,
  openEventService,
  openSessionRevocations,
  redisReadiness,
  registerDeadLetterGauge,
  runMain,
  SESSION_REVOCATION_TABLES,
  serve,
  serveAdminCommands,
  startListeners,
} from '@ticketing/common';
import { createApp } from './app';
import { loadOrdersConfig } from './config';
import { schema } from './db/schema';
import { resyncOrders } from './domain/resync';
import { createOrderListeners } from './events/order-listeners';
import { OverdueOrdersSweep } from './jobs/overdue-orders.sweep';

// Start-up order: config → Redis (connects in the background) → database (migrations) → NATS →
// stream → outbox relay → session revocations → listeners → sweep → HTTP.
runMain('orders', async () => {
  const config = loadOrdersConfig();
  const logger = createLogger('orders', config.LOG_LEVEL);
  const redis = createRateLimitRedis({ url: config.REDIS_URL, service: 'orders', logger });
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('orders', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
    retainedTables: SESSION_REVOCATION_TABLES,
  });
  const sessions = await openSessionRevocations({ nc, logger, service: 'orders', db: database.db });
  const orders = {
    db: database.db,
    relay,
    currency: config.PAYMENT_CURRENCY,
    gapHealMs: config.GAP_HEAL_SECONDS * 1000,
  };
  const listeners = [...createOrderListeners({ nc, logger }, orders), ...sessions.listeners];
  await startListeners(listeners);
  const sweep = new OverdueOrdersSweep({ orders, logger, intervalMs: config.SWEEP_INTERVAL_SECONDS * 1000 });
  sweep.start();

  const operations = serveAdminCommands(nc, {
    service: 'orders',
    handlers: {
      ...eventOperationCommands(nc, { service: 'orders', listeners, db: database.db, relay }),
      resync: async () => ({ republished: await resyncOrders(orders, `resync-orders-${Date.now()}`) }),
    },
    logger,
  });

  const app = createApp({
    config,
    ...orders,
    revocations: sessions.revocations,
    logger,
    redis,
    readiness,
    dependencies: { ...dependencies, redis: redisReadiness(redis) },
  });
  registerDeadLetterGauge(app.locals.metrics.registry, nc, 'orders');
  serve({
    service: 'orders',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    cleanup: [
      () => operations.stop(),
      () => sweep.stop(),
      () => closeListeners(listeners),
      () => sessions.revocations.stop(),
      ...shutdown,
      () => closeRedisConnection(redis),
    ],
  });
});
