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
import { loadPassesConfig } from './config';
import { schema } from './db/schema';
import type { PassesDeps } from './domain/deps';
import { createPassListeners } from './events/pass-listeners';
import { createPassMetrics } from './metrics';
import { loadPassKeys } from './signing/pass-keys';

// Start-up order: config → keys → database (migrations) → NATS → stream → outbox relay → session
// revocations → listeners → HTTP.
runMain('passes', async () => {
  const config = loadPassesConfig();
  const logger = createLogger('passes', config.LOG_LEVEL);
  const keys = loadPassKeys({ signingKey: config.PASS_SIGNING_KEY, verifyKeys: config.PASS_VERIFY_KEYS });
  if (!config.PASS_SIGNING_KEY) {
    logger.warn('PASS_SIGNING_KEY is not set: passes are signed with a key made for this process only');
  }
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('passes', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
    retainedTables: [...SESSION_REVOCATION_TABLES],
  });
  const sessions = await openSessionRevocations({ nc, logger, service: 'passes', db: database.db });
  const metrics = createPassMetrics(database.db);
  const passes: PassesDeps = {
    db: database.db,
    relay,
    keys,
    metrics,
    logger,
    gapHealMs: config.GAP_HEAL_SECONDS * 1000,
  };
  const listeners = [...createPassListeners({ nc, logger, passes }), ...sessions.listeners];
  await startListeners(listeners);
  const admin = serveAdminCommands(nc, {
    service: 'passes',
    handlers: eventOperationCommands(nc, { service: 'passes', listeners, db: database.db, relay }),
    logger,
  });

  const app = createApp({
    config,
    ...passes,
    metrics,
    revocations: sessions.revocations,
    readiness,
    dependencies,
  });
  registerDeadLetterGauge(app.locals.metrics.registry, nc, 'passes');
  serve({
    service: 'passes',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    cleanup: [() => admin.stop(), () => closeListeners(listeners), () => sessions.revocations.stop(), ...shutdown],
  });
});
