import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { createEvent, type Event, Subjects } from '../../events';
import { jetStreamHealthy } from '../../messaging/health';
import { type NatsServerHandle, startNatsServer } from '../../testing/nats-server';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { waitFor } from '../../testing/wait-for';
import { createDatabase, type DatabaseHandle, type Transaction } from '../create-database';
import { enqueueEvent, eventValues, outbox, withEventSql } from '../outbox';
import {
  OutboxRelay,
  type OutboxRelayOptions,
  parkedOutboxRows,
  pendingOutboxCount,
  retryParkedOutboxRow,
} from '../outbox-relay';
import { preparedStatement } from '../prepared';
import * as schema from './fixtures/schema';
import {
  anEvent,
  captureLogger,
  ensureStream,
  gate,
  jetStreamPublisher,
  migrationsFolder,
  streamEventIds,
} from './helpers';

let nats: NatsServerHandle;
let connection: NatsConnection;
let jsm: JetStreamManager;
let database: TestDatabase<typeof schema>;
const relays: OutboxRelay<typeof schema>[] = [];
const replicas: DatabaseHandle<typeof schema>[] = [];

beforeAll(async () => {
  [nats, database] = await Promise.all([startNatsServer(), createTestDatabase({ schema, migrationsFolder })]);
  connection = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
  jsm = await jetstreamManager(connection);
  await ensureStream(jsm);
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await connection?.close();
  await Promise.all([nats?.stop(), database?.close()]);
});

beforeEach(async () => {
  await database.truncate();
  await jsm.streams.purge('TICKETING');
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});

function aRelay(options: Partial<OutboxRelayOptions<typeof schema>> = {}) {
  const relay = new OutboxRelay({
    db: database.db,
    publish: jetStreamPublisher(jetstream(connection)),
    logger: captureLogger().logger,
    ...options,
  });
  relays.push(relay);
  return relay;
}

/** A second pool on the same database, as another replica of the service has. */
async function anotherReplica() {
  const replica = await createDatabase({ url: database.url, schema, migrationsFolder, poolSize: 2 });
  replicas.push(replica);
  return replica;
}

/** Writes each event in its own committed transaction, in order. */
async function enqueueEach(
  events: Event[],
  writer: Pick<OutboxRelay<typeof schema>, 'transaction'> | { db: typeof database.db } = database,
) {
  for (const event of events) {
    const write = (tx: Transaction<typeof schema>) => enqueueEvent(tx, event);
    await ('transaction' in writer ? writer.transaction(write) : writer.db.transaction(write));
  }
}

async function outboxIdsInOrder() {
  const rows = await database.db.select({ eventId: outbox.eventId }).from(outbox).orderBy(outbox.id);
  return rows.map((row) => row.eventId);
}

describe('OutboxRelay', () => {
  it('when an event was written in a rolled-back transaction, then it is never published', async () => {
    const relay = aRelay();
    const committed = anEvent();

    await expect(
      relay.transaction(async (tx) => {
        await enqueueEvent(tx, anEvent());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await enqueueEach([committed]);
    await relay.drain();

    await expect(streamEventIds(jsm)).resolves.toEqual([committed.eventId]);
  });

  it('when rows are pending, then they are published in id order across batches and marked published', async () => {
    const events = Array.from({ length: 25 }, anEvent);
    await enqueueEach(events);
    const relay = aRelay({ batchSize: 10 });

    await relay.drain();

    await expect(streamEventIds(jsm)).resolves.toEqual(events.map((event) => event.eventId));
    const rows = await database.db.select({ publishedAt: outbox.publishedAt }).from(outbox);
    expect(rows.every((row) => row.publishedAt instanceof Date)).toBe(true);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
  });

  it('when a commit goes through relay.transaction, then the event is published well before the next poll', async () => {
    const relay = aRelay({ pollIntervalMs: 60_000 });
    relay.start();
    const event = anEvent();

    const committedAt = Date.now();
    await enqueueEach([event], relay);
    await waitFor(async () => (await streamEventIds(jsm)).includes(event.eventId), { intervalMs: 5 });

    expect(Date.now() - committedAt).toBeLessThan(1000);
  });

  it('when a relay transaction writes no event, then it costs no batch, and one that writes an event through a prepared statement wakes the relay', async () => {
    let transactions = 0; // the relay's own transactions: one per batch, and one per relay.transaction
    const counting = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver);
        return (...args: Parameters<typeof target.transaction>) => {
          transactions += 1;
          return target.transaction(...args);
        };
      },
    });
    const relay = aRelay({ db: counting, pollIntervalMs: 60_000 });
    relay.start();
    await waitFor(() => transactions > 0); // the first batch began…
    await relay.drain(); // …and ended: the relay sleeps until its poll, a minute away
    const before = transactions;

    await relay.transaction((tx) => tx.execute(sql`select 1`));
    // A wake would have run a batch within coalesceMs (5 ms); give it sixty times that.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(transactions - before).toBe(1);

    const queued = anEvent();
    const statement = preparedStatement('outbox_relay_test_queue', withEventSql('select 1 as one', 1));
    await relay.transaction((tx) => statement.run(tx, eventValues(queued)));
    await waitFor(async () => (await streamEventIds(jsm)).includes(queued.eventId), {
      intervalMs: 5,
      timeoutMs: 5_000,
    });
  });

  it('when the relay is started, then it publishes what earlier runs left pending, and later commits on poll', async () => {
    const left = anEvent();
    await enqueueEach([left]);
    const relay = aRelay({ pollIntervalMs: 20 });

    relay.start();
    relay.start(); // idempotent
    await waitFor(async () => (await pendingOutboxCount(database.db)) === 0);
    const later = anEvent();
    await enqueueEach([later]); // no wake: the poll finds it

    await waitFor(async () => (await streamEventIds(jsm)).length === 2);
    await expect(streamEventIds(jsm)).resolves.toEqual([left.eventId, later.eventId]);
  });

  it('when NATS is down, then events wait in the outbox, the outage is logged once, and all are published in order after it returns', async () => {
    const { logger, lines } = captureLogger();
    let attempts = 0;
    const publish = jetStreamPublisher(jetstream(connection));
    const relay = aRelay({
      logger,
      pollIntervalMs: 20,
      maxBackoffMs: 200,
      publish: (event) => {
        attempts += 1;
        return publish(event);
      },
    });
    relay.start();
    const before = anEvent();
    await enqueueEach([before], relay);
    await waitFor(async () => (await pendingOutboxCount(database.db)) === 0);

    await nats.halt();
    const during = Array.from({ length: 5 }, anEvent);
    await enqueueEach(during, relay);
    const attemptsAtOutage = attempts;
    await waitFor(() => attempts >= attemptsAtOutage + 3, { timeoutMs: 15_000 }); // several failed retries
    await expect(pendingOutboxCount(database.db)).resolves.toBe(5);

    await nats.resume();
    await waitFor(async () => (await pendingOutboxCount(database.db)) === 0, { timeoutMs: 20_000 });

    // Retried publishes may reach the server twice; msgID deduplication keeps one of each.
    await expect(streamEventIds(jsm)).resolves.toEqual([before, ...during].map((event) => event.eventId));
    expect(lines().filter((line) => line.msg?.toString().startsWith('outbox publishing failed'))).toHaveLength(1);
    expect(lines().filter((line) => line.msg === 'outbox publishing recovered')).toHaveLength(1);
  }, 60_000);

  it('when publishing fails part-way, then the batch stops after the failed row’s window: the rows sent with it stay published, later rows wait their turn', async () => {
    // One window is the rows up to the first whose entity is already in it: a0 b0 c0 e0, then a1 d0.
    const [a0, b0, c0, e0, d0] = Array.from({ length: 5 }, anEvent) as [Event, Event, Event, Event, Event];
    const a1 = createEvent(Subjects.ExpirationComplete, { orderId: (a0.data as { orderId: string }).orderId });
    await enqueueEach([a0, b0, c0, e0, a1, d0]);
    const published: string[] = [];
    let failing = true;
    const relay = aRelay({
      publish: async (event) => {
        if (failing && event.eventId === c0.eventId) throw new Error('broker said no');
        published.push(event.eventId);
      },
    });

    await relay.drain();
    expect(published).toEqual([a0.eventId, b0.eventId, e0.eventId]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(3);

    failing = false;
    await relay.drain();
    expect(published).toEqual([a0, b0, e0, c0, a1, d0].map((event) => event.eventId));
  });

  it('when a batch holds several rows, then rows of different entities are sent together, and a row only once its entity’s previous one was acknowledged', async () => {
    const [a0, b0, c0] = Array.from({ length: 3 }, anEvent) as [Event, Event, Event];
    const a1 = createEvent(Subjects.ExpirationComplete, { orderId: (a0.data as { orderId: string }).orderId });
    await enqueueEach([a0, b0, a1, c0]);
    const names = new Map([a0, b0, a1, c0].map((event, index) => [event.eventId, ['a0', 'b0', 'a1', 'c0'][index]]));
    const steps: string[] = [];
    const relay = aRelay({
      publish: async (event) => {
        steps.push(`sent ${names.get(event.eventId)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        steps.push(`acked ${names.get(event.eventId)}`);
      },
    });

    await relay.drain();

    expect(steps).toEqual(['sent a0', 'sent b0', 'acked a0', 'acked b0', 'sent a1', 'sent c0', 'acked a1', 'acked c0']);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
  });

  it('when a row fails while the broker is healthy, then it is retried, then parked, and the other rows flow — its entity’s later rows after it', async () => {
    const poison = anEvent();
    const sameOrder = createEvent(Subjects.ExpirationComplete, {
      orderId: (poison.data as { orderId: string }).orderId,
    });
    const other = anEvent();
    await enqueueEach([poison, sameOrder, other]);
    const published: string[] = [];
    const { logger, lines } = captureLogger();
    const relay = aRelay({
      logger,
      maxAttempts: 3,
      brokerHealthy: async () => true,
      publish: async (event) => {
        if (event.eventId === poison.eventId) throw new Error('maximum payload exceeded');
        published.push(event.eventId);
      },
    });

    await relay.drain();
    // The poison's order waits behind it; the other order does not.
    expect(published).toEqual([other.eventId]);
    await relay.drain();
    await relay.drain();

    const [parked] = await parkedOutboxRows(database.db);
    expect(parked).toMatchObject({ eventId: poison.eventId, attempts: 3, lastError: 'maximum payload exceeded' });
    expect(
      lines().find((line) => line.msg === 'outbox row parked: it cannot be published, the rows after it go on'),
    ).toMatchObject({
      eventId: poison.eventId,
    });
    await relay.drain();
    expect(published).toEqual([other.eventId, sameOrder.eventId]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
  });

  it('when a real subject no stream captures is published, then the row is parked and the rows after it reach the stream', async () => {
    const stray = { ...anEvent(), subject: 'inventory.counted' } as unknown as Event;
    const after = anEvent();
    await enqueueEach([stray, after]);
    const relay = aRelay({ maxAttempts: 2, brokerHealthy: jetStreamHealthy(connection) });

    await relay.drain();
    await relay.drain();

    expect((await parkedOutboxRows(database.db)).map((row) => row.eventId)).toEqual([stray.eventId]);
    expect(await streamEventIds(jsm)).toEqual([after.eventId]);
  });

  it('when an operator retries a parked row once its cause is fixed, then it is published', async () => {
    const event = anEvent();
    await enqueueEach([event]);
    let broken = true;
    const relay = aRelay({
      maxAttempts: 1,
      brokerHealthy: async () => true,
      publish: async () => {
        if (broken) throw new Error('no stream captures it');
      },
    });
    await relay.drain();
    const [parked] = await parkedOutboxRows(database.db);

    broken = false;
    expect(await retryParkedOutboxRow(database.db, parked!.id)).toBe(true);
    expect(await retryParkedOutboxRow(database.db, parked!.id)).toBe(false);
    await relay.drain();

    expect(await parkedOutboxRows(database.db)).toEqual([]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
  });

  it('when publishing fails because the broker is down, then nothing is parked however often it fails', async () => {
    await enqueueEach([anEvent()]);
    const relay = aRelay({
      maxAttempts: 1,
      brokerHealthy: async () => false,
      publish: async () => {
        throw new Error('connection closed');
      },
    });
    await relay.drain();
    await relay.drain();
    expect(await parkedOutboxRows(database.db)).toEqual([]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(1);
  });

  it('when the database fails, then the batch is abandoned, logged, and retried', async () => {
    const { logger, lines } = captureLogger();
    const published: string[] = [];
    const relay = aRelay({
      logger,
      pollIntervalMs: 20,
      publish: async (event) => {
        published.push(event.eventId);
      },
    });
    const event = anEvent();
    await enqueueEach([event]);
    const transaction = jest.spyOn(database.db, 'transaction').mockImplementationOnce(() => {
      throw new Error('connection lost');
    });

    try {
      relay.start();
      await waitFor(() => published.length === 1);
    } finally {
      transaction.mockRestore();
    }

    expect(published).toEqual([event.eventId]);
    expect(lines().find((line) => line.msg?.toString().startsWith('outbox publishing failed'))).toMatchObject({
      err: { message: 'connection lost' },
    });
  });

  it('when many wakes arrive during a batch, then they coalesce into one more batch', async () => {
    const held = gate();
    const published: string[] = [];
    const first = anEvent();
    await enqueueEach([first]);
    const relay = aRelay({
      pollIntervalMs: 60_000,
      publish: async (event) => {
        if (event.eventId === first.eventId) await held.promise;
        published.push(event.eventId);
      },
    });
    // Every batch is one transaction of the relay's own.
    const batches = jest.spyOn(database.db, 'transaction');

    try {
      relay.start();
      await waitFor(() => batches.mock.calls.length === 1); // the first batch is in flight, held
      const more = Array.from({ length: 3 }, anEvent);
      await enqueueEach(more, await anotherReplica()); // written elsewhere, so only this relay's batches count
      for (let i = 0; i < 10; i++) relay.wake();
      held.open();
      await waitFor(() => published.length === 4);
      await relay.stop();

      expect(published).toEqual([first, ...more].map((event) => event.eventId));
      expect(batches.mock.calls).toHaveLength(2);
    } finally {
      batches.mockRestore();
    }
  });

  it('when commits follow a batch within coalesceMs, then they wait for the window and share one batch', async () => {
    const published: string[] = [];
    const relay = aRelay({
      pollIntervalMs: 60_000,
      coalesceMs: 1_500,
      publish: async (event) => {
        published.push(event.eventId);
      },
    });
    const batches = jest.spyOn(database.db, 'transaction');
    const replica = await anotherReplica(); // written elsewhere, so only this relay's batches count

    try {
      relay.start();
      await waitFor(() => batches.mock.calls.length === 1); // the first batch: nothing pending
      const events = Array.from({ length: 3 }, anEvent);
      for (const event of events) {
        await enqueueEach([event], replica);
        relay.wake(); // as relay.transaction does after each commit
      }
      await waitFor(() => published.length === 3);

      expect(published).toEqual(events.map((event) => event.eventId));
      expect(batches.mock.calls).toHaveLength(2);
    } finally {
      batches.mockRestore();
    }
  });

  it('when stopped during a batch, then stop resolves after that batch finished and marked its rows', async () => {
    const held = gate();
    let publishing = false;
    await enqueueEach([anEvent()]);
    const relay = aRelay({
      publish: async () => {
        publishing = true;
        await held.promise;
      },
    });
    relay.start();
    await waitFor(() => publishing);

    const stopped = relay.stop();
    held.open();
    await stopped;

    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
    relay.wake(); // a stopped relay ignores wakes
  });

  it('when one relay is publishing, then the relay of another replica skips its turn instead of publishing the same rows', async () => {
    const held = gate();
    const calls: Array<[string, string]> = [];
    const events = [anEvent(), anEvent()];
    await enqueueEach(events);
    const one = aRelay({
      publish: async (event) => {
        calls.push(['one', event.eventId]);
        await held.promise;
      },
    });
    const two = aRelay({
      db: (await anotherReplica()).db,
      publish: async (event) => {
        calls.push(['two', event.eventId]);
      },
    });

    one.start();
    await waitFor(() => calls.length > 0); // one is publishing (both rows at once: two entities)
    await two.drain(); // the lock is taken: returns without publishing
    held.open();
    await waitFor(async () => (await pendingOutboxCount(database.db)) === 0);

    expect(calls).toEqual(events.map((event) => ['one', event.eventId]));
  });

  it('when the relays of two replicas run together, then each row is published once and in order', async () => {
    const calls: string[] = [];
    const publish = jetStreamPublisher(jetstream(connection));
    const counting = async (event: Event) => {
      // Yield, so the two relays' batches would interleave if nothing kept them apart.
      await new Promise((resolve) => setImmediate(resolve));
      calls.push(event.eventId);
      return publish(event);
    };
    const one = aRelay({ publish: counting, pollIntervalMs: 5, batchSize: 7 });
    const two = aRelay({ db: (await anotherReplica()).db, publish: counting, pollIntervalMs: 5, batchSize: 7 });
    one.start();
    two.start();
    const events = Array.from({ length: 60 }, anEvent);

    for (const [index, event] of events.entries()) await enqueueEach([event], index % 2 ? one : two);
    await waitFor(async () => (await pendingOutboxCount(database.db)) === 0);

    expect(calls).toEqual(events.map((event) => event.eventId));
    await expect(streamEventIds(jsm)).resolves.toEqual(await outboxIdsInOrder());
  });
});
