import path from 'node:path';
import {
  closeRedisConnection,
  createDatabase,
  createLogger,
  createRateLimitRedis,
  redisReadiness,
  runMain,
  serve,
} from '@ticketing/common';
import { createApp } from './app';
import { loadAuthConfig } from './config';
import { schema } from './db/schema';

// Start-up order: config → Redis (connects in the background) → database (migrations) → HTTP.
// auth publishes no events.
runMain('auth', async () => {
  const config = loadAuthConfig();
  const logger = createLogger('auth', config.LOG_LEVEL);
  const redis = createRateLimitRedis({ url: config.REDIS_URL, service: 'auth', logger });
  const database = await createDatabase({
    url: config.DATABASE_URL,
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
  });
  const app = createApp({
    config,
    db: database.db,
    logger,
    redis,
    readiness: { db: database.ping },
    dependencies: { redis: redisReadiness(redis) },
  });
  serve({
    service: 'auth',
    app,
    port: config.PORT,
    logger,
    cleanup: [database.close, () => closeRedisConnection(redis)],
  });
});
