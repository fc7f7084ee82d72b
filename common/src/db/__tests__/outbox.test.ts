import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { enqueueEvent, markEventProcessed, outbox, processedEvents } from '../outbox';
import { pendingOutboxCount } from '../outbox-relay';
import * as schema from './fixtures/schema';
import { anEvent, FIXTURE_MIGRATIONS, migrationsFolder } from './helpers';

let database: TestDatabase<typeof schema>;

beforeAll(async () => {
  database = await createTestDatabase({ schema, migrationsFolder });
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.truncate();
});

describe('enqueueEvent', () => {
  it('when called inside a committed transaction, then the whole event is stored as a pending row', async () => {
    const event = anEvent();

    await database.db.transaction(async (tx) => {
      await tx.insert(schema.widgets).values({ name: 'state change' });
      await enqueueEvent(tx, event);
    });

    const rows = await database.db.select().from(outbox);
    expect(rows).toEqual([
      {
        id: 1,
        eventId: event.eventId,
        subject: event.subject,
        payload: event,
        createdAt: expect.any(Date),
        publishedAt: null,
        attempts: 0,
        lastError: null,
        parkedAt: null,
      },
    ]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(1);
  });

  it('when the transaction rolls back, then neither the state change nor the event exists', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(schema.widgets).values({ name: 'doomed' });
        await enqueueEvent(tx, anEvent());
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');

    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
    await expect(database.db.select().from(schema.widgets)).resolves.toEqual([]);
  });
});

describe('markEventProcessed', () => {
  it('when an event is seen the first time, then it is true, and false on every redelivery', async () => {
    const { eventId } = anEvent();

    await expect(markEventProcessed(database.db, 'orders', eventId)).resolves.toBe(true);
    await expect(markEventProcessed(database.db, 'orders', eventId)).resolves.toBe(false);
    await expect(database.db.transaction((tx) => markEventProcessed(tx, 'orders', eventId))).resolves.toBe(false);
  });

  it('when another consumer handles the same event, then it is new to that consumer', async () => {
    const { eventId } = anEvent();
    await markEventProcessed(database.db, 'orders', eventId);

    await expect(markEventProcessed(database.db, 'payments', eventId)).resolves.toBe(true);
    const rows = await database.db.select().from(processedEvents).where(eq(processedEvents.eventId, eventId));
    expect(rows.map((row) => row.consumer).sort()).toEqual(['orders', 'payments']);
  });
});

describe('createTestDatabase().truncate', () => {
  it('when tables hold rows, then it empties every table and restarts identities, keeping the migration journal', async () => {
    await enqueueEvent(database.db, anEvent());
    await enqueueEvent(database.db, anEvent());
    await markEventProcessed(database.db, 'orders', anEvent().eventId);

    await database.truncate();

    await expect(database.db.select().from(processedEvents)).resolves.toEqual([]);
    await enqueueEvent(database.db, anEvent());
    const [row] = await database.db.select({ id: outbox.id }).from(outbox);
    expect(row?.id).toBe(1);
    const journal = await database.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
    expect((journal as unknown as { rows: { applied: number }[] }).rows[0]?.applied).toBe(FIXTURE_MIGRATIONS);
  });
});
