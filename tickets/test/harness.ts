import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  closeListeners,
  connectNats,
  createEvent,
  createLogger,
  createPublisher,
  durableName,
  type Event,
  ensureDeadLetterStream,
  ensureStream,
  type OrderStatus,
  OutboxRelay,
  openSessionRevocations,
  publishEvent,
  STREAM_NAME,
  type Subject,
  Subjects,
  serializeEvent,
  startListeners,
} from '@ticketing/common';
import {
  createTestDatabase,
  deliverAsGroup,
  type NatsServerHandle,
  readStreamEvents,
  signin,
  startNatsServer,
  waitFor,
} from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import { outbox, schema, type TicketRow, tickets } from '../src/db/schema';
import type { Ticket } from '../src/domain/ticket';
import { createTicketListeners } from '../src/events/ticket-listeners';

export const JWT_KEY = 'tickets-test-signing-key-0123456789abcdef';

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
  PAYMENT_CURRENCY: 'usd',
  RESALE_PRICE_CAP_PERCENT: 120,
};

export const migrationsFolder = path.join(__dirname, '..', 'migrations');

/** An event as stored in the stream: its subject and the published body. */
export interface StoredEvent {
  seq: number;
  subject: string;
  eventId: string;
  correlationId: string;
  data: Record<string, unknown>;
}

/**
 * One file's real environment: a nats-server with the TICKETING stream, a database of its own
 * with the migrations, a running OutboxRelay publishing to that server, and the app. The
 * listeners run only when a file asks for them.
 */
export async function createTicketsTestBed() {
  const [nats, database] = await Promise.all([
    startNatsServer(),
    createTestDatabase({ schema, migrationsFolder, poolSize: 20 }),
  ]);
  const logger = createLogger('tickets', 'silent');
  const nc = await connectNats({ url: nats.url, name: 'tickets-test', logger });
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const relay = new OutboxRelay({ db: database.db, publish: createPublisher(nc), logger, pollIntervalMs: 50 });
  relay.start();
  const store = {
    db: database.db,
    relay,
    currency: baseConfig.PAYMENT_CURRENCY,
    resalePriceCapPercent: baseConfig.RESALE_PRICE_CAP_PERCENT,
  };
  const sessions = await openSessionRevocations({
    nc,
    logger,
    service: 'tickets',
    db: database.db,
    refreshIntervalMs: 100,
    options: { nakDelayMs: 50, pullExpiresMs: 1_000 },
  });
  const listeners = [
    ...createTicketListeners({ nc, logger, store, options: { nakDelayMs: 50, pullExpiresMs: 1_000 } }),
    ...sessions.listeners,
  ];
  let listening = false;

  const app = (config: Partial<Config> = {}) =>
    createApp({
      config: { ...baseConfig, DATABASE_URL: database.url, ...config },
      db: database.db,
      relay,
      revocations: sessions.revocations,
      logger,
      readiness: { db: async () => undefined },
    });

  /** Every event in the stream, in stream order. */
  const streamEvents = async (subject?: Subject): Promise<StoredEvent[]> =>
    (await readStreamEvents(nc, subject)) as unknown as StoredEvent[];

  return {
    db: database.db,
    relay,
    nc,
    js,
    jsm,
    store,
    app,
    streamEvents,

    /** The events published about one ticket, once at least `count` of them are in the stream. */
    async eventsAbout(ticketId: string, count = 1): Promise<StoredEvent[]> {
      return waitFor(async () => {
        const events = (await streamEvents()).filter((event) => event.data.id === ticketId);
        return events.length >= count ? events : undefined;
      });
    },

    /** The outbox rows (published or not) about one ticket: what the handlers committed. */
    async outboxAbout(ticketId: string): Promise<Event[]> {
      const rows = await database.db.select().from(outbox).orderBy(outbox.id);
      return rows.map((row) => row.payload).filter((event) => (event.data as { id?: string }).id === ticketId);
    },

    async ticketRow(id: string): Promise<TicketRow | undefined> {
      const [row] = await database.db.select().from(tickets).where(eq(tickets.id, id));
      return row;
    },

    async startListeners(): Promise<void> {
      if (listening) return;
      await startListeners(listeners);
      listening = true;
    },

    /** Publishes an event the way another service does (msgID = eventId); resolves with its stream sequence. */
    async publish(event: Event): Promise<number> {
      return (await publishEvent(js, event)).seq;
    },

    /** Publishes the same event again under a new msgID, as a redelivery the server cannot deduplicate. */
    async republish(event: Event): Promise<number> {
      return (await js.publish(event.subject, serializeEvent(event), { msgID: randomUUID() })).seq;
    },

    /**
     * Has the consumer of `first`'s subject take `group` as one group (see common/testing's
     * deliverAsGroup), and resolves once it handled all of it.
     */
    async deliverAsGroup(table: string, first: Event, group: readonly Event[]): Promise<void> {
      const ackPending = async () =>
        (await jsm.consumers.info(STREAM_NAME, durableName('tickets', first.subject))).num_ack_pending;
      await deliverAsGroup({
        db: database.db,
        table,
        ackPending,
        publishFirst: () => publishEvent(js, first),
        publishGroup: async () => {
          for (const event of group) await this.republish(event);
        },
        size: group.length,
      });
      await waitFor(async () => (await ackPending()) === 0);
    },

    /** Resolves once the service's consumer of `subject` has acknowledged every message up to `seq`. */
    async handled(subject: Subject, seq: number): Promise<void> {
      await waitFor(async () => {
        const info = await jsm.consumers.info(STREAM_NAME, durableName('tickets', subject));
        return info.ack_floor.stream_seq >= seq;
      });
    },

    async reset(): Promise<void> {
      await relay.drain();
      await database.truncate();
      await jsm.streams.purge(STREAM_NAME);
    },

    async close(): Promise<void> {
      if (listening) await closeListeners(listeners);
      await sessions.revocations.stop();
      await relay.stop();
      await nc.drain();
      await database.close();
      await (nats as NatsServerHandle).stop();
    },
  };
}

export type TicketsTestBed = Awaited<ReturnType<typeof createTicketsTestBed>>;

/** A signed-in user: their id and the cookie to send. */
export function aUser(id: string = randomUUID()) {
  return { id, cookie: signin({ jwtKey: JWT_KEY, id }) };
}

export type TestUser = ReturnType<typeof aUser>;

/** Lists a ticket through the API and returns it (as the response shows it) with its seller. */
export async function aTicket(
  bed: TicketsTestBed,
  { seller = aUser(), title = 'Concert', price = 20 }: { seller?: TestUser; title?: string; price?: number } = {},
): Promise<Ticket & { seller: TestUser }> {
  const response = await request(bed.app())
    .post('/api/tickets')
    .set('Cookie', seller.cookie)
    .send({ title, price })
    .expect(201);
  return { ...(response.body as Ticket), seller };
}

/** Order events as orders publishes them. */
export const orderEvents = {
  /** order.created without a reservation number, as orders published it before it numbered reservations. */
  created(ticket: Pick<Ticket, 'id' | 'price'>, orderId: string = randomUUID(), status: OrderStatus = 'created') {
    return createEvent(Subjects.OrderCreated, {
      id: orderId,
      version: 0,
      status,
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
      ticket: { id: ticket.id, price: Math.round(ticket.price * 100) },
    });
  },
  /** order.created of the ticket's `reservationNumber`-th order (1 for its first, then 2, …). */
  reservation(ticket: Pick<Ticket, 'id' | 'price'>, reservationNumber: number, orderId: string = randomUUID()) {
    const event = orderEvents.created(ticket, orderId);
    return createEvent(Subjects.OrderCreated, { ...event.data, reservationNumber });
  },
  cancelled(ticket: Pick<Ticket, 'id'>, orderId: string) {
    return createEvent(Subjects.OrderCancelled, { id: orderId, version: 1, ticket: { id: ticket.id } });
  },
  completed(ticket: Pick<Ticket, 'id'>, orderId: string) {
    return createEvent(Subjects.OrderCompleted, { id: orderId, version: 2, ticket: { id: ticket.id } });
  },
};
