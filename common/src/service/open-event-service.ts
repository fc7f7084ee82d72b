import { createDatabase, type DatabaseHandle } from '../db/create-database';
import { OutboxRelay } from '../db/outbox-relay';
import type { Logger } from '../logging';
import { connectNats } from '../messaging/connect';
import { natsReadiness } from '../messaging/health';
import { createPublisher } from '../messaging/publisher';
import { ensureStream } from '../messaging/stream';

/** The variables every service with a database and events reads (see `env` in config). */
export interface EventServiceConfig {
  DATABASE_URL: string;
  NATS_URL: string;
  NATS_STREAM_REPLICAS: number;
}

/**
 * The start-up every service with a database and events shares, in its fixed order: database
 * (migrations run) → NATS → the stream → the outbox relay. Returns them with the checks for
 * /readyz (the database only: with NATS down the service still serves reads, and writes wait in
 * the outbox), the dependencies for /healthz/details (NATS), and the shutdown steps in the order
 * they must run, after the service has closed its own listeners.
 */
export async function openEventService<S extends Record<string, unknown>>(
  service: string,
  config: EventServiceConfig,
  options: { schema: S; migrationsFolder: string; logger: Logger },
) {
  const { logger } = options;
  const database: DatabaseHandle<S> = await createDatabase({
    url: config.DATABASE_URL,
    schema: options.schema,
    migrationsFolder: options.migrationsFolder,
    logger,
  });
  const nc = await connectNats({ url: config.NATS_URL, name: service, logger });
  await ensureStream(nc, { replicas: config.NATS_STREAM_REPLICAS });
  const relay = new OutboxRelay({ db: database.db, publish: createPublisher(nc), logger });
  relay.start();
  return {
    database,
    nc,
    relay,
    readiness: { db: database.ping },
    dependencies: { nats: natsReadiness(nc) },
    /** Stop publishing (the in-flight batch finishes), drain NATS, close the database. */
    shutdown: [() => relay.stop(), () => nc.drain(), database.close],
  };
}
