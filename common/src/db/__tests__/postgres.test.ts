import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Event } from '../../events';
import { freePort } from '../../testing/processes';
import { type PostgresServerHandle, startPostgresServer } from '../../testing/test-database';
import { waitFor } from '../../testing/wait-for';
import { createDatabase, type DatabaseHandle } from '../create-database';
import { isUniqueViolation, updateVersioned } from '../optimistic';
import { enqueueEvent, markEventProcessed, outbox } from '../outbox';
import { OutboxRelay, pendingOutboxCount } from '../outbox-relay';
import * as schema from './fixtures/schema';
import { anEvent, captureLogger, gate, migrationsFolder } from './helpers';

describe('with a real PostgreSQL server (pg driver)', () => {
  let server: PostgresServerHandle;
  let url: string;
  const handles: DatabaseHandle<typeof schema>[] = [];
  const relays: OutboxRelay<typeof schema>[] = [];

  async function open() {
    const handle = await createDatabase({ url, schema, migrationsFolder, poolSize: 4 });
    handles.push(handle);
    return handle;
  }

  function aRelay(handle: DatabaseHandle<typeof schema>, publish: (event: Event) => Promise<unknown>) {
    const relay = new OutboxRelay({
      db: handle.db,
      publish,
      logger: captureLogger().logger,
      pollIntervalMs: 5,
      batchSize: 7,
    });
    relays.push(relay);
    return relay;
  }

  beforeAll(async () => {
    server = await startPostgresServer();
    url = await server.createDatabase();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.close()));
    await server?.stop();
  });

  beforeEach(async () => {
    if (handles[0]) await handles[0].db.execute(sql`truncate outbox, processed_events, widgets restart identity`);
  });

  it('when several replicas start at once, then the migrations run once under the advisory lock and every replica answers', async () => {
    const { logger, lines } = captureLogger();
    const replicas = await Promise.all(
      [1, 2, 3].map(() =>
        createDatabase({ url, schema, migrationsFolder, logger }).then((handle) => {
          handles.push(handle);
          return handle;
        }),
      ),
    );

    for (const replica of replicas) {
      expect(replica.driver).toBe('pg');
      await expect(replica.ping()).resolves.toBeUndefined();
    }
    const journal = await replicas[0]!.db.execute(
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    expect((journal as unknown as { rows: { applied: number }[] }).rows[0]?.applied).toBe(1);
    expect(lines().filter((line) => line.msg === 'database migrated')).toHaveLength(3);
  });

  it('when the server cannot be reached, then createDatabase rejects and leaves no pool behind', async () => {
    const closedPort = await freePort();
    await expect(
      createDatabase({ url: `postgres://postgres@127.0.0.1:${closedPort}/nowhere`, schema, migrationsFolder }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('when pg reports a unique violation, then isUniqueViolation recognises it by constraint name; updateVersioned matches versions', async () => {
    const { db } = handles[0] ?? (await open());
    const [widget] = await db.insert(schema.widgets).values({ name: 'taken' }).returning();

    const error = await db
      .insert(schema.widgets)
      .values({ name: 'taken' })
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(error, 'widgets_name_unique')).toBe(true);
    expect(isUniqueViolation(error, 'another_constraint')).toBe(false);

    await expect(updateVersioned(db, schema.widgets, widget!.id, 1, { name: 'early' })).resolves.toBeUndefined();
    await expect(updateVersioned(db, schema.widgets, widget!.id, 0, { name: 'next' })).resolves.toMatchObject({
      version: 1,
    });
    const { eventId } = anEvent();
    await expect(markEventProcessed(db, 'orders', eventId)).resolves.toBe(true);
    await expect(markEventProcessed(db, 'orders', eventId)).resolves.toBe(false);
  });

  it('when one relay is publishing, then a relay of another replica skips its turn instead of publishing the same rows', async () => {
    const [first, second] = [handles[0] ?? (await open()), await open()];
    const held = gate();
    const calls: Array<[string, string]> = [];
    const events = [anEvent(), anEvent()];
    for (const event of events) await enqueueEvent(first.db, event);
    const one = aRelay(first, async (event) => {
      calls.push(['one', event.eventId]);
      await held.promise;
    });
    const two = aRelay(second, async (event) => {
      calls.push(['two', event.eventId]);
    });

    one.start();
    await waitFor(() => calls.length === 1);
    await two.drain(); // the lock is taken: returns without publishing
    held.open();
    await waitFor(async () => (await pendingOutboxCount(first.db)) === 0);

    expect(calls).toEqual(events.map((event) => ['one', event.eventId]));
  });

  it('when two replicas’ relays run together, then every row is published exactly once and in order', async () => {
    const [first, second] = [handles[0] ?? (await open()), await open()];
    const calls: string[] = [];
    // A publish that yields, so the two relays' batches interleave if nothing stops them.
    const publish = async (event: Event) => {
      await new Promise((resolve) => setImmediate(resolve));
      calls.push(event.eventId);
    };
    const one = aRelay(first, publish);
    const two = aRelay(second, publish);
    one.start();
    two.start();
    const events = Array.from({ length: 80 }, anEvent);

    for (const [index, event] of events.entries()) {
      const relay = index % 2 ? one : two;
      await relay.transaction((tx) => enqueueEvent(tx, event));
    }
    await waitFor(async () => (await pendingOutboxCount(first.db)) === 0);

    expect(calls).toEqual(events.map((event) => event.eventId));
  });

  it('when publishing fails part-way on pg, then the rows published before the failure are committed as published', async () => {
    const handle = handles[0] ?? (await open());
    const events = [anEvent(), anEvent(), anEvent()];
    for (const event of events) await enqueueEvent(handle.db, event);
    const relay = aRelay(handle, async (event) => {
      if (event.eventId === events[1]?.eventId) throw new Error('broker down');
    });

    await relay.drain();

    const rows = await handle.db
      .select({ eventId: outbox.eventId, publishedAt: outbox.publishedAt })
      .from(outbox)
      .orderBy(outbox.id);
    expect(rows.map((row) => row.publishedAt !== null)).toEqual([true, false, false]);
    const [stillPending] = await handle.db
      .select()
      .from(outbox)
      .where(eq(outbox.eventId, events[1]?.eventId ?? randomUUID()));
    expect(stillPending?.publishedAt).toBeNull();
  });
});
