import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ConsumerInfo, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  closeListeners,
  connectNats,
  createEvent,
  createLogger,
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
  STREAM_NAME,
  type Subject,
  Subjects,
  serializeEvent,
  startListeners,
  type TicketCreatedData,
} from '@ticketing/common';
import {
  createTestDatabase,
  deliverAsGroup,
  readStreamEvents,
  signin,
  startNatsServer,
  waitFor,
} from '@ticketing/common/testing';
import { asc, eq } from 'drizzle-orm';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import { events, orders, type PassRow, passes, schema, tickets } from '../src/db/schema';
import type { PassesDeps } from '../src/domain/deps';
import { createPassListeners } from '../src/events/pass-listeners';
import { createPassMetrics } from '../src/metrics';
import { generateSigningKeyPem, loadPassKeys, type PassKeys } from '../src/signing/pass-keys';

export const JWT_KEY = 'passes-test-signing-key-0123456789abcdef';

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
  PASS_SIGNING_KEY: undefined,
  PASS_VERIFY_KEYS: undefined,
};

const migrationsFolder = path.join(__dirname, '..', 'migrations');

export interface PassesTestBedOptions {
  /** The service's keys (default: a fresh signing key, no retired ones). */
  keys?: PassKeys;
  /** How long a replica gap lasts before it is skipped (default 60 s, as in production). */
  gapHealMs?: number;
}

/**
 * One nats-server and one database per test file, wired like index.ts: the stream, a running
 * outbox relay, and the service's listeners.
 */
export async function createPassesTestBed(options: PassesTestBedOptions = {}) {
  const logger = createLogger('passes', 'silent');
  const [nats, database] = await Promise.all([
    startNatsServer(),
    createTestDatabase({ schema, migrationsFolder, poolSize: 20 }),
  ]);
  const nc = await connectNats({ url: nats.url, name: 'passes-test', logger });
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
  const jsm = await jetstreamManager(nc);
  const publish = createPublisher(nc);
  const relay = new OutboxRelay({ db: database.db, publish, logger, pollIntervalMs: 50 });
  relay.start();
  const keys = options.keys ?? loadPassKeys({ signingKey: generateSigningKeyPem() });
  const metrics = createPassMetrics(database.db);
  const deps: PassesDeps = {
    db: database.db,
    relay,
    keys,
    metrics,
    logger,
    gapHealMs: options.gapHealMs ?? 60_000,
  };
  const sessions = await openSessionRevocations({
    nc,
    logger,
    service: 'passes',
    db: database.db,
    refreshIntervalMs: 100,
    options: { nakDelayMs: 100 },
  });
  const listeners = [
    ...createPassListeners({ nc, logger, options: { nakDelayMs: 100 }, passes: deps }),
    ...sessions.listeners,
  ];
  await startListeners(listeners);
  const { db } = database;

  const bed = {
    db,
    deps,
    keys,
    metrics,
    nc,
    app: (
      config: Partial<Config> = {},
      overrides: {
        readiness?: Record<string, () => Promise<unknown>>;
        dependencies?: Record<string, () => Promise<unknown>>;
      } = {},
    ) =>
      createApp({
        config: { ...baseConfig, DATABASE_URL: database.url, ...config },
        ...deps,
        metrics,
        revocations: sessions.revocations,
        readiness: { db: async () => undefined },
        ...overrides,
      }),

    /** Empties the tables and the stream; call it between tests. */
    async reset() {
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

    /** Publishes an event the way another service would (msgID = eventId). */
    async publish<S extends Subject>(subject: S, data: EventData<S>): Promise<Event<S>> {
      const event = createEvent(subject, data);
      await publish(event);
      return event;
    },

    /** Publishes an event again without msgID, so JetStream delivers it a second time (a redelivery). */
    async publishAgain(event: Event): Promise<void> {
      await jetstream(nc).publish(event.subject, serializeEvent(event));
    },

    /** The events of `subject` on the stream (about pass `id` when given), once the outbox is empty. */
    async published<S extends Subject>(subject: S, id?: string): Promise<Event<S>[]> {
      await waitFor(async () => (await pendingOutboxCount(db)) === 0);
      return (await readStreamEvents(nc, subject)).filter(
        (event) => id === undefined || (event.data as { id?: string }).id === id,
      );
    },

    consumer(subject: Subject): Promise<ConsumerInfo> {
      return jsm.consumers.info(STREAM_NAME, durableName('passes', subject));
    },

    /**
     * Has the consumer of `subject` take the `size` events `publishGroup` publishes as one group
     * (see common/testing's deliverAsGroup), and resolves once it handled all of them.
     */
    async deliverAsGroup<S extends Subject>(
      table: string,
      subject: S,
      first: EventData<S>,
      size: number,
      publishGroup: () => Promise<void>,
    ): Promise<void> {
      await deliverAsGroup({
        db,
        table,
        ackPending: async () => (await bed.consumer(subject)).num_ack_pending,
        publishFirst: () => bed.publish(subject, first),
        publishGroup,
        size,
      });
      await bed.settled(subject);
    },

    /** Resolves once the listener of `subject` has handled and acked everything published to it. */
    async settled(subject: Subject): Promise<void> {
      await waitFor(async () => {
        const info = await bed.consumer(subject);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
    },

    async passesOfTicket(ticketId: string): Promise<PassRow[]> {
      return db.select().from(passes).where(eq(passes.ticketId, ticketId)).orderBy(asc(passes.generation));
    },

    /** The pass as the database holds it now. */
    async passNow(id: string): Promise<PassRow> {
      const [row] = await db.select().from(passes).where(eq(passes.id, id));
      if (!row) throw new Error(`pass ${id} is not in the database`);
      return row;
    },

    async passOfOrder(orderId: string): Promise<PassRow | undefined> {
      const [row] = await db.select().from(passes).where(eq(passes.orderId, orderId));
      return row;
    },

    async ticket(id: string) {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, id));
      return row;
    },

    async event(id: string) {
      const [row] = await db.select().from(events).where(eq(events.id, id));
      return row;
    },

    async order(id: string) {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      return row;
    },

    /** A catalog event in the replica, as if event.created had arrived. */
    async anEvent(organizerId: string = randomUUID()) {
      const event = {
        id: randomUUID(),
        organizerId,
        startsAt: new Date(Date.now() + 7 * 24 * 3600_000),
        version: 0,
      };
      await db.insert(events).values(event);
      return event;
    },

    /** A ticket in the replica, of `eventId` (null: a ticket of no event). */
    async aTicket(eventId: string | null) {
      const ticket = { id: randomUUID(), eventId, version: 0 };
      await db.insert(tickets).values(ticket);
      return ticket;
    },

    /** An organizer, their event, a ticket of it and the valid pass a holder bought for `price`. */
    async aHeldPass(price = 4_500) {
      const organizer = aUser();
      const event = await bed.anEvent(organizer.id);
      const ticket = await bed.aTicket(event.id);
      const holder = aUser();
      const pass = await bed.buy(ticket.id, holder.id, price);
      return { organizer, event, ticket, holder, pass };
    },

    /**
     * A completed order of `ticketId` by `buyerId`, through the real path: order.created then
     * order.completed published on the stream; resolves with the pass it was issued.
     */
    async buy(ticketId: string, buyerId: string = randomUUID(), price = 4_500): Promise<PassRow> {
      const order = anOrderCreated({ userId: buyerId, ticket: { id: ticketId, price, currency: 'usd' } });
      await bed.publish(Subjects.OrderCreated, order);
      await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticketId } });
      return waitFor(() => bed.passOfOrder(order.id));
    },
  };
  return bed;
}

export type PassesTestBed = Awaited<ReturnType<typeof createPassesTestBed>>;

/** order.created data (version 0) for a new order. */
export function anOrderCreated(
  overrides: Partial<EventData<typeof Subjects.OrderCreated>> = {},
): EventData<typeof Subjects.OrderCreated> {
  return {
    id: randomUUID(),
    version: 0,
    status: OrderStatus.Created,
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: randomUUID(), price: 4_500, currency: 'usd' },
    ...overrides,
  };
}

/** A resale listing of `pass` by its holder, as tickets announces it: a new ticket, pending (version 0). */
export function aResaleListing(pass: PassRow, overrides: Partial<TicketCreatedData> = {}): TicketCreatedData {
  return {
    id: randomUUID(),
    version: 0,
    title: 'Resale',
    price: 55,
    userId: pass.holderId,
    eventId: pass.eventId,
    faceValue: pass.faceValue,
    resaleOfPassId: pass.id,
    status: 'pending',
    ...overrides,
  };
}

/** A signed-in user: their id and session cookie. */
export function aUser(id: string = randomUUID()) {
  return { id, cookie: signin({ jwtKey: JWT_KEY, id }) };
}
