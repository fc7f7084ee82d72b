import path from 'node:path';
import {
  closeRedisConnection,
  createLogger,
  createRateLimitRedis,
  eventOperationCommands,
  openEventService,
  redisReadiness,
  runMain,
  serve,
  serveAdminCommands,
} from '@ticketing/common';
import { createApp } from './app';
import { loadAuthConfig } from './config';
import { schema, sessions } from './db/schema';

// Start-up order: config → Redis (connects in the background) → database (migrations) → NATS →
// stream → outbox relay → HTTP. auth publishes the session revocations and listens to nothing.
runMain('auth', async () => {
  const config = loadAuthConfig();
  const logger = createLogger('auth', config.LOG_LEVEL);
  const redis = createRateLimitRedis({ url: config.REDIS_URL, service: 'auth', logger });
  const { database, nc, relay, readiness, dependencies, shutdown } = await openEventService('auth', config, {
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
    // A session is kept until it has expired: its token is refused anyway afterwards.
    retainedTables: [{ table: sessions, writtenAt: sessions.expiresAt, retentionMs: 0 }],
  });

  const operations = serveAdminCommands(nc, {
    service: 'auth',
    handlers: eventOperationCommands(nc, { service: 'auth', listeners: [], db: database.db, relay }),
    logger,
  });

  const app = createApp({
    config,
    db: database.db,
    relay,
    logger,
    redis,
    readiness,
    dependencies: { ...dependencies, redis: redisReadiness(redis) },
  });
  serve({
    service: 'auth',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    cleanup: [() => operations.stop(), ...shutdown, () => closeRedisConnection(redis)],
  });
});
