import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { enqueueEvent, outbox } from '../outbox';
import { registerOutboxMetrics } from '../outbox-metrics';
import * as schema from './fixtures/schema';
import { anEvent, migrationsFolder } from './helpers';

let database: TestDatabase<typeof schema>;
let registry: Registry;

beforeAll(async () => {
  database = await createTestDatabase({ schema, migrationsFolder });
  registry = new Registry();
  registerOutboxMetrics(registry, database.db);
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.truncate();
});

const value = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value;

describe('registerOutboxMetrics', () => {
  it('when nothing waits, then the backlog is 0 rows and 0 seconds old', async () => {
    await expect(value('ticketing_outbox_pending')).resolves.toBe(0);
    await expect(value('ticketing_outbox_oldest_pending_seconds')).resolves.toBe(0);
  });

  it('when rows wait, then it counts them and reports the age of the oldest; published rows do not count', async () => {
    await database.db.transaction(async (tx) => {
      await enqueueEvent(tx, anEvent());
      await enqueueEvent(tx, anEvent());
      await enqueueEvent(tx, anEvent());
    });
    // The first row has waited two minutes, the last one has been published.
    await database.db.execute(sql`update outbox set created_at = now() - interval '120 seconds' where id = 1`);
    await database.db.execute(sql`update outbox set published_at = now() where id = 3`);

    await expect(value('ticketing_outbox_pending')).resolves.toBe(2);
    const age = await value('ticketing_outbox_oldest_pending_seconds');
    expect(age).toBeGreaterThanOrEqual(119);
    expect(age).toBeLessThan(180);
    expect((await database.db.select().from(outbox)).length).toBe(3);
  });

  it('when the database cannot be read, then the scrape still answers with the last values', async () => {
    const broken = new Registry();
    const failing = {
      select: () => {
        throw new Error('connection refused');
      },
    } as unknown as typeof database.db;
    registerOutboxMetrics(broken, failing);
    await expect(broken.metrics()).resolves.toContain('ticketing_outbox_pending');
  });
});
