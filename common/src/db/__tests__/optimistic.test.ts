import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { isUniqueViolation, updateVersioned } from '../optimistic';
import { enqueueEvent } from '../outbox';
import * as schema from './fixtures/schema';
import { anEvent, migrationsFolder } from './helpers';

const { widgets } = schema;

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

async function aWidget(name = `widget-${randomUUID()}`) {
  const [widget] = await database.db.insert(widgets).values({ name }).returning();
  return widget!;
}

describe('updateVersioned', () => {
  it('when the version matches, then it applies the values, bumps the version and returns the row', async () => {
    const widget = await aWidget();

    const updated = await updateVersioned(database.db, widgets, widget.id, 0, { name: 'renamed' });

    expect(updated).toEqual({ id: widget.id, version: 1, name: 'renamed' });
    const [stored] = await database.db.select().from(widgets).where(eq(widgets.id, widget.id));
    expect(stored).toEqual(updated);
  });

  it('when the version is stale or ahead, then it changes nothing and returns undefined', async () => {
    const widget = await aWidget('original');
    await updateVersioned(database.db, widgets, widget.id, 0, { name: 'first' });

    await expect(updateVersioned(database.db, widgets, widget.id, 0, { name: 'stale' })).resolves.toBeUndefined();
    await expect(updateVersioned(database.db, widgets, widget.id, 5, { name: 'early' })).resolves.toBeUndefined();

    const [stored] = await database.db.select().from(widgets).where(eq(widgets.id, widget.id));
    expect(stored).toMatchObject({ version: 1, name: 'first' });
  });

  it('when the row does not exist, then it returns undefined', async () => {
    await expect(updateVersioned(database.db, widgets, randomUUID(), 0, { name: 'ghost' })).resolves.toBeUndefined();
  });

  it('when writers race from the same version inside transactions, then exactly one wins', async () => {
    const widget = await aWidget();

    // Each transaction holds its connection while the others wait for the row lock.
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) =>
        database.db.transaction((tx) => updateVersioned(tx, widgets, widget.id, 0, { name })),
      ),
    );

    expect(results.filter((row) => row !== undefined)).toHaveLength(1);
    const [stored] = await database.db.select().from(widgets).where(eq(widgets.id, widget.id));
    expect(stored?.version).toBe(1);
  });
});

describe('isUniqueViolation', () => {
  it('when a unique index rejects an insert, then it recognises the error, through Drizzle’s wrapper, by constraint name', async () => {
    await aWidget('taken');
    const error = await database.db
      .insert(widgets)
      .values({ name: 'taken' })
      .then(() => undefined)
      .catch((caught: unknown) => caught);

    expect(error).toBeDefined();
    expect((error as Error).cause).toBeDefined(); // Drizzle wraps the driver's error
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'widgets_name_unique')).toBe(true);
    expect(isUniqueViolation(error, 'outbox_event_id_unique')).toBe(false);
  });

  it('when the same event is enqueued twice, then the outbox’s unique event id is the violated constraint', async () => {
    const event = anEvent();
    await enqueueEvent(database.db, event);

    const error = await enqueueEvent(database.db, event).catch((caught: unknown) => caught);

    expect(isUniqueViolation(error, 'outbox_event_id_unique')).toBe(true);
  });

  it('when the error is another database error or not an error at all, then it is false', async () => {
    const notNull = await database.db
      .insert(widgets)
      .values({ name: null as unknown as string })
      .catch((caught: unknown) => caught);

    expect(isUniqueViolation(notNull)).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key'))).toBe(false);
  });

  it('when only the message names the constraint, or the cause chain loops, then it still answers', () => {
    const wrapped = { code: '23505', message: 'duplicate key value violates unique constraint "widgets_name_unique"' };
    expect(isUniqueViolation(wrapped, 'widgets_name_unique')).toBe(true);

    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isUniqueViolation(loop)).toBe(false);
  });
});
