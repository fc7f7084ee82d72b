import path from 'node:path';
import { createDatabase, createLogger, runMain, serve } from '@ticketing/common';
import { createApp } from './app';
import { loadAuthConfig } from './config';
import { schema } from './db/schema';

// Start-up order: config → database (migrations) → HTTP. auth publishes no events.
runMain('auth', async () => {
  const config = loadAuthConfig();
  const logger = createLogger('auth', config.LOG_LEVEL);
  const database = await createDatabase({
    url: config.DATABASE_URL,
    schema,
    migrationsFolder: path.join(__dirname, '..', 'migrations'),
    logger,
  });
  const app = createApp({ config, db: database.db, logger, readiness: { db: database.ping } });
  serve({ service: 'auth', app, port: config.PORT, logger, cleanup: [database.close] });
});
