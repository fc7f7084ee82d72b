import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type ConsumerInfo, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  closeListeners,
  connectNats,
  createEvent,
  createPublisher,
  durableName,
  type Event,
  type EventData,
  ensureDeadLetterStream,
  ensureStream,
  OrderStatus,
  OutboxRelay,
  openSessionRevocations,
  pendingOutboxCount,
  type Redis,
  STREAM_NAME,
  type Subject,
  serializeEvent,
  startListeners,
} from '@ticketing/common';
import { createTestDatabase, readStreamEvents, signin, startNatsServer, waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import { nextReservationNumber } from '../src/db/orders.repository';
import { type OrderRow, orders, outbox, schema, type TicketRow, tickets } from '../src/db/schema';
import type { OrdersDeps } from '../src/domain/deps';
import { createOrderListeners } from '../src/events/order-listeners';

export const JWT_KEY = 'orders-test-signing-key-0123456789abcdef';

/** The configuration of the app under test; DATABASE_URL is the test file's own database. */
export const baseConfig: Omit<Config, 'DATABASE_URL'> = {
  NODE_ENV: 'test',
  PORT: 0,
  HOST: '127.0.0.1',
  TRUST_PROXY: 'loopback',
  LOG_LEVEL: 'silent',
  JWT_KEY,
  NATS_URL: 'nats://127.0.0.1:4222',
  NATS_STREAM_REPLICAS: 1,
  EVENT_RETENTION_DAYS: 30,
  STREAM_MAX_BYTES: 1024 ** 3,
  GAP_HEAL_SECONDS: 60,
  EXPIRATION_WINDOW_SECONDS: 900,
  SWEEP_INTERVAL_SECONDS: 0,
  MAX_ACTIVE_RESERVATIONS: 5,
  RESERVATION_COOLDOWN_SECONDS: 300,
  RATE_LIMIT_ORDERS: 1000,
  REDIS_URL: 'redis://127.0.0.1:6379',
  PAYMENT_CURRENCY: 'usd',
  BUYER_FEE_PERCENT: 10,
};

/** The reservation rules of {@link baseConfig}, for tests that call the use case directly. */
export const RESERVATION_RULES = {
  windowSeconds: baseConfig.EXPIRATION_WINDOW_SECONDS,
  maxActiveReservations: baseConfig.MAX_ACTIVE_RESERVATIONS,
  cooldownSeconds: baseConfig.RESERVATION_COOLDOWN_SECONDS,
  buyerFeePercent: baseConfig.BUYER_FEE_PERCENT,
};

const migrationsFolder = path.join(__dirname, '..', 'migrations');

/** A logger that keeps its lines for assertions instead of printing them. */
function captureLogger() {
  let lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    logger: pino({ level: 'debug', base: { service: 'orders' } }, stream),
    lines: () => lines,
    clear: () => {
      lines = [];
    },
  };
}

/**
 * One nats-server and one database per test file, wired like index.ts: the stream, a running
 * outbox relay publishing to that NATS, and the service's listeners.
 */
export async function createOrdersTestBed() {
  const { logger, lines: logLines, clear: clearLogs } = captureLogger();
  const [nats, database] = await Promise.all([
    startNatsServer(),
    createTestDatabase({ schema, migrationsFolder, poolSize: 20 }),
  ]);
  const nc = await connectNats({ url: nats.url, name: 'orders-test', logger });
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
  const jsm = await jetstreamManager(nc);
  const publish = createPublisher(nc);
  const relay = new OutboxRelay({ db: database.db, publish, logger, pollIntervalMs: 50 });
  relay.start();
  const deps: OrdersDeps = { db: database.db, relay, currency: baseConfig.PAYMENT_CURRENCY };
  const sessions = await openSessionRevocations({
    nc,
    logger,
    service: 'orders',
    db: database.db,
    refreshIntervalMs: 100,
    options: { nakDelayMs: 100 },
  });
  const listeners = [
    ...createOrderListeners({ nc, logger, options: { nakDelayMs: 100 } }, deps),
    ...sessions.listeners,
  ];
  await startListeners(listeners);

  const { db } = database;

  const bed = {
    db,
    /** The database's `postgres://…`, for a second replica's pool. */
    databaseUrl: database.url,
    relay,
    deps,
    revocations: sessions.revocations,
    logger,
    nc,
    /** One replica of orders; with `redis` its request limit is counted there, otherwise in its own memory. */
    app: (config: Partial<Config> = {}, { redis }: { redis?: Redis } = {}) =>
      createApp({
        config: { ...baseConfig, DATABASE_URL: database.url, ...config },
        ...deps,
        revocations: sessions.revocations,
        logger,
        redis,
        readiness: { db: async () => undefined },
      }),

    /** Log lines written since the last reset, e.g. `logs('warn')`. */
    logs(level?: 'debug' | 'info' | 'warn' | 'error') {
      const wanted = level && { debug: 20, info: 30, warn: 40, error: 50 }[level];
      return logLines().filter((line) => wanted === undefined || line.level === wanted);
    },

    /** Empties the tables and the stream; call it between tests. */
    async reset() {
      clearLogs();
      // The previous test's outbox rows are published now, so the purge removes them too.
      await relay.drain();
      await database.truncate();
      await jsm.streams.purge(STREAM_NAME);
    },

    async close() {
      await closeListeners(listeners);
      await sessions.revocations.stop();
      await relay.stop();
      await nc.close();
      await Promise.all([nats.stop(), database.close()]);
    },

    /** A ticket in the replica, as if ticket.created had arrived. */
    async aTicket(overrides: Partial<TicketRow> = {}): Promise<TicketRow> {
      const ticket: TicketRow = {
        id: randomUUID(),
        title: 'Concert',
        priceCents: 2050,
        userId: randomUUID(),
        version: 0,
        withdrawn: false,
        eventId: null,
        ...overrides,
      };
      await db.insert(tickets).values(ticket);
      return ticket;
    },

    /**
     * An order stored directly (no event), for states a test needs to start from; it costs the
     * ticket's price and no fee unless `overrides` say otherwise (its total follows).
     */
    async anOrder(ticket: TicketRow, overrides: Partial<OrderRow> = {}): Promise<OrderRow> {
      const priceCents = overrides.priceCents ?? ticket.priceCents;
      const buyerFeeCents = overrides.buyerFeeCents ?? 0;
      const [row] = await db
        .insert(orders)
        .values({
          id: randomUUID(),
          userId: randomUUID(),
          status: OrderStatus.Created,
          expiresAt: new Date(Date.now() + 15 * 60_000),
          ticketId: ticket.id,
          priceCents,
          buyerFeeCents,
          totalCents: priceCents + buyerFeeCents,
          reservationNumber: nextReservationNumber(ticket.id),
          version: 0,
          ...overrides,
        })
        .returning();
      return row as OrderRow;
    },

    async order(id: string): Promise<OrderRow | undefined> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      return row;
    },

    async ticket(id: string): Promise<TicketRow | undefined> {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, id));
      return row;
    },

    async ordersOfTicket(ticketId: string): Promise<OrderRow[]> {
      return db.select().from(orders).where(eq(orders.ticketId, ticketId));
    },

    /** Moves an order's expiry into the past, as if its window had run out. */
    async backdate(orderId: string, secondsAgo = 1): Promise<void> {
      await db
        .update(orders)
        .set({ expiresAt: new Date(Date.now() - secondsAgo * 1000) })
        .where(eq(orders.id, orderId));
    },

    /** Publishes an event the way another service would (msgID = eventId). */
    async publish<S extends Subject>(subject: S, data: EventData<S>): Promise<Event<S>> {
      const event = createEvent(subject, data);
      await publish(event);
      return event;
    },

    /** Publishes an event built by the test (a resync, say) the way its source would. */
    async publishEvent<S extends Subject>(event: Event<S>): Promise<Event<S>> {
      await publish(event);
      return event;
    },

    /** Publishes an event again without msgID, so JetStream delivers it a second time (a redelivery). */
    async publishAgain(event: Event): Promise<void> {
      await jetstream(nc).publish(event.subject, serializeEvent(event));
    },

    /**
     * The events of `subject` in the stream (about `id` when given), once the outbox has nothing
     * pending — what every consumer will see.
     */
    async published<S extends Subject>(subject: S, id?: string): Promise<Event<S>[]> {
      await waitFor(async () => (await pendingOutboxCount(db)) === 0);
      return (await readStreamEvents(nc, subject)).filter(
        (event) => id === undefined || (event.data as { id?: string }).id === id,
      );
    },

    /** The outbox rows about order `id` (every event the service decided to publish for it). */
    async outboxFor(id: string): Promise<Event[]> {
      const rows = await db.select().from(outbox).orderBy(outbox.id);
      return rows.map((row) => row.payload).filter((event) => (event.data as { id?: string }).id === id);
    },

    consumer(subject: Subject): Promise<ConsumerInfo> {
      return jsm.consumers.info(STREAM_NAME, durableName('orders', subject));
    },

    /** Resolves once the listener of `subject` has handled and acked everything published to it. */
    async settled(subject: Subject): Promise<void> {
      await waitFor(async () => {
        const info = await bed.consumer(subject);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
    },
  };
  return bed;
}

export type OrdersTestBed = Awaited<ReturnType<typeof createOrdersTestBed>>;

/** A signed-in user: their id and session cookie. */
export function aUser() {
  const id = randomUUID();
  return { id, cookie: signin({ jwtKey: JWT_KEY, id }) };
}
