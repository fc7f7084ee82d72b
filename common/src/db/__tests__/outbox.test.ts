import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { enqueueEvent, eventValues, markEventProcessed, outbox, processedEvents, withEventSql } from '../outbox';
import { pendingOutboxCount } from '../outbox-relay';
import { preparedStatement } from '../prepared';
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

describe('withEventSql', () => {
  const renameWithEvent = preparedStatement<{ id: string; name: string }>(
    'test_rename_widget_with_event',
    withEventSql('update widgets set name = $2, version = version + 1 where name = $1 returning id, name', 3),
  );
  const insertWithEvent = preparedStatement<{ id: string }>(
    'test_insert_widget_with_event',
    withEventSql('insert into widgets (name) values ($1) returning id', 2),
  );

  it('when the change returns a row, then the row and the event are written by one statement and the row is returned', async () => {
    await database.db.insert(schema.widgets).values({ name: 'before' });
    const event = anEvent();

    const rows = await database.db.transaction((tx) =>
      renameWithEvent.run(tx, ['before', 'after', ...eventValues(event)]),
    );

    expect(rows).toEqual([{ id: expect.any(String), name: 'after' }]);
    const [stored] = await database.db.select().from(outbox);
    expect(stored).toMatchObject({ eventId: event.eventId, subject: event.subject, payload: event });
  });

  it('when the change touches no row, then no event is written', async () => {
    const rows = await database.db.transaction((tx) =>
      renameWithEvent.run(tx, ['missing', 'after', ...eventValues(anEvent())]),
    );

    expect(rows).toEqual([]);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
  });

  it('when the change returns several rows, then the event is still written once', async () => {
    await database.db.insert(schema.widgets).values([{ name: 'a' }, { name: 'b' }]);
    const bumpAll = preparedStatement(
      'test_bump_widgets_with_event',
      withEventSql('update widgets set version = version + 1 returning id', 1),
    );

    const rows = await database.db.transaction((tx) => bumpAll.run(tx, eventValues(anEvent())));

    expect(rows).toHaveLength(2);
    await expect(pendingOutboxCount(database.db)).resolves.toBe(1);
  });

  it('when the change fails, then neither the change nor the event exists', async () => {
    await database.db.insert(schema.widgets).values({ name: 'taken' });

    await expect(
      database.db.transaction((tx) => insertWithEvent.run(tx, ['taken', ...eventValues(anEvent())])),
    ).rejects.toThrow();

    await expect(pendingOutboxCount(database.db)).resolves.toBe(0);
    await expect(database.db.select().from(schema.widgets)).resolves.toHaveLength(1);
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
