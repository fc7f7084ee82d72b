import path from 'node:path';
import { sql } from 'drizzle-orm';
import { freePort } from '../../testing/processes';
import { testPostgresServer } from '../../testing/test-database';
import { createDatabase, type DatabaseHandle } from '../create-database';
import * as schema from './fixtures/schema';
import { captureLogger, FIXTURE_MIGRATIONS, migrationsFolder } from './helpers';

const server = testPostgresServer();
const handles: DatabaseHandle<typeof schema>[] = [];
const databases: string[] = [];

async function anEmptyDatabase(): Promise<string> {
  const url = await server.createDatabase();
  databases.push(url);
  return url;
}

async function open(url: string, logger = captureLogger().logger) {
  const handle = await createDatabase({ url, schema, migrationsFolder, logger, poolSize: 2 });
  handles.push(handle);
  return handle;
}

afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
  await Promise.all(databases.map((url) => server.dropDatabase(url)));
});

async function appliedMigrations(handle: DatabaseHandle<typeof schema>): Promise<number | undefined> {
  const journal = await handle.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  return (journal as unknown as { rows: { applied: number }[] }).rows[0]?.applied;
}

describe('createDatabase', () => {
  it('when the database is empty, then it applies the migrations, logs it, and answers pings', async () => {
    const { logger, lines } = captureLogger();
    const handle = await open(await anEmptyDatabase(), logger);

    await expect(handle.ping()).resolves.toBeUndefined();
    const tables = await handle.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`);
    const names = (tables as unknown as { rows: { tablename: string }[] }).rows.map((row) => row.tablename);
    expect(names.sort()).toEqual(['outbox', 'processed_events', 'revoked_sessions', 'revoked_users', 'widgets']);
    expect(lines().find((line) => line.msg === 'database migrated')).toMatchObject({ ms: expect.any(Number) });
  });

  it('when it is opened again, then the data is there and the migrations are not applied twice', async () => {
    const url = await anEmptyDatabase();
    const first = await open(url);
    await first.db.insert(schema.widgets).values({ name: 'kept' });
    await first.close();

    const second = await open(url);
    await expect(second.db.select({ name: schema.widgets.name }).from(schema.widgets)).resolves.toEqual([
      { name: 'kept' },
    ]);
    await expect(appliedMigrations(second)).resolves.toBe(FIXTURE_MIGRATIONS);
  });

  it('when several replicas start at once, then the migrations run once under the advisory lock and every replica answers', async () => {
    const url = await anEmptyDatabase();
    const { logger, lines } = captureLogger();

    const replicas = await Promise.all([1, 2, 3].map(() => open(url, logger)));

    for (const replica of replicas) await expect(replica.ping()).resolves.toBeUndefined();
    await expect(appliedMigrations(replicas[0]!)).resolves.toBe(FIXTURE_MIGRATIONS);
    expect(lines().filter((line) => line.msg === 'database migrated')).toHaveLength(3);
  });

  it('when the migrations folder is missing, then opening fails with drizzle’s message', async () => {
    await expect(
      createDatabase({
        url: await anEmptyDatabase(),
        schema,
        migrationsFolder: path.join(__dirname, 'no-such-folder'),
      }),
    ).rejects.toThrow(/_journal\.json/);
  });

  it('when the server cannot be reached, then createDatabase rejects and leaves no pool behind', async () => {
    const closedPort = await freePort();
    await expect(
      createDatabase({ url: `postgres://postgres@127.0.0.1:${closedPort}/nowhere`, schema, migrationsFolder }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
