import { Client } from 'pg';
import * as schema from '../../db/__tests__/fixtures/schema';
import { migrationsFolder } from '../../db/__tests__/helpers';
import { withAdminClient } from '../postgres-server';
import { createTestDatabase, testPostgresServer } from '../test-database';

const server = testPostgresServer();

const databaseNames = () =>
  withAdminClient(server.url, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database order by datname');
    return rows.map((row) => row.datname);
  });

describe('createTestDatabase', () => {
  it('when two are opened, then each is a migrated database of its own, copied from one template, and dropped on close', async () => {
    const templates = async () => (await databaseNames()).filter((name) => name.startsWith('template_'));
    const templatesBefore = await templates();
    const [first, second] = await Promise.all([
      createTestDatabase({ schema, migrationsFolder }),
      createTestDatabase({ schema, migrationsFolder }),
    ]);
    const firstName = new URL(first.url).pathname.slice(1);
    const secondName = new URL(second.url).pathname.slice(1);
    try {
      expect(firstName).not.toBe(secondName);
      await first.db.insert(schema.widgets).values({ name: 'only in the first' });
      await expect(second.db.select().from(schema.widgets)).resolves.toEqual([]);
      // Other files of this worker may have made their templates already; these two share one.
      expect((await templates()).length - templatesBefore.length).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    expect(await databaseNames()).not.toEqual(expect.arrayContaining([firstName]));
    expect(await databaseNames()).not.toEqual(expect.arrayContaining([secondName]));
  });

  it('when a second connection opens its url, then it sees the same data (a process under test can share it)', async () => {
    const database = await createTestDatabase({ schema, migrationsFolder });
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await database.db.insert(schema.widgets).values({ name: 'shared' });
      const { rows } = await client.query('select name from widgets');
      expect(rows).toEqual([{ name: 'shared' }]);
    } finally {
      await client.end();
      await database.close();
    }
  });
});

describe('testPostgresServer', () => {
  it('when the worker has no server, then the error says how tests get one', () => {
    const saved = process.env.TICKETING_TEST_POSTGRES;
    delete process.env.TICKETING_TEST_POSTGRES;
    try {
      expect(() => testPostgresServer()).toThrow(/globalSetup starts a PostgreSQL server per worker/);
    } finally {
      process.env.TICKETING_TEST_POSTGRES = saved;
    }
  });
});
