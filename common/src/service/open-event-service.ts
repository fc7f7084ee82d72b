import { createDatabase, type DatabaseHandle } from '../db/create-database';
import { OutboxRelay } from '../db/outbox-relay';
import { EVENT_BOOKKEEPING, type RetainedTable, retentionJob } from '../db/retention';
import type { Logger } from '../logging';
import { connectNats } from '../messaging/connect';
import { ensureDeadLetterStream } from '../messaging/dead-letters';
import { jetStreamHealthy, natsReadiness } from '../messaging/health';
import { createPublisher } from '../messaging/publisher';
import { ensureStream } from '../messaging/stream';

/** The variables every service with a database and events reads (see `env` in config). */
export interface EventServiceConfig {
  DATABASE_URL: string;
  NATS_URL: string;
  NATS_STREAM_REPLICAS: number;
  /** The stream's `max_age`, and how long the event bookkeeping is kept (default 30). */
  EVENT_RETENTION_DAYS?: number;
  /** The stream's `max_bytes` (default 1 GiB). */
  STREAM_MAX_BYTES?: number;
  /** The service's NATS password (and user, default the service's name), when the server checks who may publish what. */
  NATS_USER?: string;
  NATS_PASSWORD?: string;
}

const DAY_MS = 86_400_000;

/** The stream's bounds for `ensureStream`, from the configuration. */
export function streamBounds(
  config: Pick<EventServiceConfig, 'NATS_STREAM_REPLICAS' | 'EVENT_RETENTION_DAYS' | 'STREAM_MAX_BYTES'>,
) {
  return {
    replicas: config.NATS_STREAM_REPLICAS,
    ...(config.EVENT_RETENTION_DAYS !== undefined ? { maxAgeMs: config.EVENT_RETENTION_DAYS * DAY_MS } : {}),
    ...(config.STREAM_MAX_BYTES !== undefined ? { maxBytes: config.STREAM_MAX_BYTES } : {}),
  };
}

/**
 * The start-up every service with a database and events shares, in its fixed order: database
 * (migrations run) → NATS → the stream (and the dead-letter stream) → the outbox relay → the
 * retention job, which prunes the service's event bookkeeping (published outbox rows,
 * processed-event keys, and `retainedTables`) once the stream has dropped the events it
 * recognises. Returns them with the checks for
 * /readyz (the database only: with NATS down the service still serves reads, and writes wait in
 * the outbox), the dependencies for /healthz/details (NATS), and the shutdown steps in the order
 * they must run, after the service has closed its own listeners.
 */
export async function openEventService<S extends Record<string, unknown>>(
  service: string,
  config: EventServiceConfig,
  options: {
    schema: S;
    migrationsFolder: string;
    logger: Logger;
    /** The service's own tables that only recognise redeliveries (e.g. payments' stripe_events). */
    retainedTables?: readonly RetainedTable[];
  },
) {
  const { logger } = options;
  const database: DatabaseHandle<S> = await createDatabase({
    url: config.DATABASE_URL,
    schema: options.schema,
    migrationsFolder: options.migrationsFolder,
    logger,
  });
  const nc = await connectNats({
    url: config.NATS_URL,
    name: service,
    logger,
    ...(config.NATS_PASSWORD ? { user: config.NATS_USER ?? service, pass: config.NATS_PASSWORD } : {}),
  });
  const bounds = streamBounds(config);
  await ensureStream(nc, bounds);
  await ensureDeadLetterStream(nc, { replicas: config.NATS_STREAM_REPLICAS });
  const relay = new OutboxRelay({
    db: database.db,
    publish: createPublisher(nc),
    logger,
    brokerHealthy: jetStreamHealthy(nc),
  });
  relay.start();
  const retention = retentionJob({
    db: database.db,
    logger,
    retentionMs: (config.EVENT_RETENTION_DAYS ?? 30) * DAY_MS,
    tables: [...EVENT_BOOKKEEPING, ...(options.retainedTables ?? [])],
  });
  retention.start();
  return {
    database,
    nc,
    relay,
    readiness: { db: database.ping },
    dependencies: { nats: natsReadiness(nc) },
    /** Stop publishing (the in-flight batch finishes), drain NATS, close the database. */
    shutdown: [() => retention.stop(), () => relay.stop(), () => nc.drain(), database.close],
  };
}
