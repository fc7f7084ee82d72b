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
import { loadTicketsConfig } from './config';
import { schema } from './db/schema';
import { createTicketListeners } from './events/ticket-listeners';

// Start-up order: config → database (migrations) → NATS → stream → outbox relay → listeners → HTTP.
runMain('tickets', async () => {
  const config = loadTicketsConfig();
  const logger = createLogger('tickets', config.LOG_LEVEL);
  const database = await createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.PGLITE_DIR,
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
  });
  const nc = await connectNats({ url: config.NATS_URL, name: 'tickets', logger });
  await ensureStream(nc, { replicas: config.NATS_STREAM_REPLICAS });
  const relay = new OutboxRelay({ db: database.db, publish: createPublisher(nc), logger });
  relay.start();
  const store = { db: database.db, relay };
  const listeners = createTicketListeners({ nc, logger, store });
  await startListeners(listeners);

  const app = createApp({
    config,
    db: database.db,
    relay,
    logger,
    readiness: { db: database.ping, nats: natsReadiness(nc) },
  });
  serve({
    service: 'tickets',
    app,
    port: config.PORT,
    logger,
    cleanup: [() => closeListeners(listeners), () => relay.stop(), () => nc.drain(), database.close],
  });
});
