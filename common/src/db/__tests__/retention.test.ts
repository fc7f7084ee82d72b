import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { waitFor } from '../../testing/wait-for';
import { enqueueEvent, markEventProcessed, outbox, processedEvents } from '../outbox';
import { EVENT_BOOKKEEPING, pruneOlderThan, retentionJob } from '../retention';
import * as schema from './fixtures/schema';
import { anEvent, migrationsFolder } from './helpers';

let database: TestDatabase<typeof schema>;
beforeAll(async () => {
  database = await createTestDatabase({ schema, migrationsFolder });
});
afterAll(() => database.close());
beforeEach(() => database.truncate());

const DAY = 86_400_000;

/** Writes one published and one pending outbox row and one processed key, `daysAgo` days old. */
async function bookkeeping(daysAgo: number) {
  const at = new Date(Date.now() - daysAgo * DAY);
  const published = anEvent();
  const pending = anEvent();
  await enqueueEvent(database.db, published);
  await enqueueEvent(database.db, pending);
  await database.db
    .update(outbox)
    .set({ createdAt: at, publishedAt: at })
    .where(sql`${outbox.eventId} = ${published.eventId}`);
  await database.db.update(outbox).set({ createdAt: at }).where(sql`${outbox.eventId} = ${pending.eventId}`);
  const eventId = randomUUID();
  await markEventProcessed(database.db, 'widgets-ticket-created', eventId);
  await database.db
    .update(processedEvents)
    .set({ processedAt: at })
    .where(sql`${processedEvents.eventId} = ${eventId}`);
  return { published: published.eventId, pending: pending.eventId, processed: eventId };
}

describe('event bookkeeping retention', () => {
  it('when rows are older than the retention, then published outbox rows and processed keys go, pending rows and younger ones stay', async () => {
    const old = await bookkeeping(31);
    const recent = await bookkeeping(29);

    const deleted = await pruneOlderThan(database.db, new Date(Date.now() - 30 * DAY), EVENT_BOOKKEEPING);

    expect(deleted).toEqual({ outbox: 1, processed_events: 1 });
    const outboxIds = (await database.db.select({ id: outbox.eventId }).from(outbox)).map((row) => row.id).sort();
    expect(outboxIds).toEqual([old.pending, recent.published, recent.pending].sort());
    const processed = (await database.db.select({ id: processedEvents.eventId }).from(processedEvents)).map(
      (r) => r.id,
    );
    expect(processed).toEqual([recent.processed]);
  });

  it('when started as a job, then it prunes at once and keeps doing so', async () => {
    await bookkeeping(40);
    const job = retentionJob({
      db: database.db,
      logger: pino({ level: 'silent' }),
      retentionMs: 30 * DAY,
      tables: EVENT_BOOKKEEPING,
      intervalMs: 60_000,
    });

    job.start();
    await waitFor(async () => (await database.db.select().from(processedEvents)).length === 0);
    await job.stop();
    expect(await database.db.select().from(outbox)).toHaveLength(1);
  });
});
