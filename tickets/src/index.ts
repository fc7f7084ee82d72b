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
import { loadTicketsConfig } from './config';
import { cancelledOrders, schema } from './db/schema';
import { resyncTickets } from './domain/resync';
import { createTicketListeners } from './events/ticket-listeners';

// Start-up order: config → database (migrations) → NATS → stream → outbox relay → session
// revocations → listeners → HTTP.
runMain('tickets', async () => {
  const config = loadTicketsConfig();
  const logger = createLogger('tickets', config.LOG_LEVEL);
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('tickets', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
    // A cancellation is remembered only while the stream can still deliver its late order.created.
    retainedTables: [{ table: cancelledOrders, writtenAt: cancelledOrders.cancelledAt }, ...SESSION_REVOCATION_TABLES],
  });
  const sessions = await openSessionRevocations({ nc, logger, service: 'tickets', db: database.db });
  const store = {
    db: database.db,
    relay,
    currency: config.PAYMENT_CURRENCY,
    resalePriceCapPercent: config.RESALE_PRICE_CAP_PERCENT,
  };
  const listeners = [
    ...createTicketListeners({ nc, logger, store, gapHealMs: config.GAP_HEAL_SECONDS * 1000 }),
    ...sessions.listeners,
  ];
  await startListeners(listeners);

  const operations = serveAdminCommands(nc, {
    service: 'tickets',
    handlers: {
      ...eventOperationCommands(nc, { service: 'tickets', listeners, db: database.db, relay }),
      resync: async () => ({ republished: await resyncTickets(store, `resync-tickets-${Date.now()}`) }),
    },
    logger,
  });

  const app = createApp({
    config,
    db: database.db,
    relay,
    revocations: sessions.revocations,
    logger,
    readiness,
    dependencies,
  });
  registerDeadLetterGauge(app.locals.metrics.registry, nc, 'tickets');
  serve({
    service: 'tickets',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    cleanup: [() => operations.stop(), () => closeListeners(listeners), () => sessions.revocations.stop(), ...shutdown],
  });
});
