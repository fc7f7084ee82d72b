import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { preparedStatement } from '../prepared';
import * as schema from './fixtures/schema';
import { migrationsFolder } from './helpers';

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

const insertWidget = preparedStatement<{ id: string; version: number }>(
  'test_insert_widget',
  'insert into widgets (name) values ($1) returning id, version',
);
const countWidgets = preparedStatement<{ n: number }>('test_count_widgets', 'select count(*)::int as n from widgets');

describe('preparedStatement', () => {
  it('when run on the database, then it binds the values and returns the rows as pg parses them', async () => {
    const [row] = await insertWidget.run(database.db, ['first']);

    expect(row).toEqual({ id: expect.any(String), version: 0 });
    await expect(countWidgets.run(database.db, [])).resolves.toEqual([{ n: 1 }]);
  });

  it('when run in a transaction, then it runs on that transaction’s connection: seen inside, undone by a rollback', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await insertWidget.run(tx, ['inside']);
        expect(await countWidgets.run(tx, [])).toEqual([{ n: 1 }]);
        expect(await countWidgets.run(database.db, [])).toEqual([{ n: 0 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    await expect(countWidgets.run(database.db, [])).resolves.toEqual([{ n: 0 }]);
  });

  it('when run many times on one connection, then PostgreSQL keeps one prepared statement for it', async () => {
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await countWidgets.run(tx, []);
      const result = await tx.execute(
        "select count(*)::int as n from pg_prepared_statements where name = 'test_count_widgets'",
      );
      expect((result as unknown as { rows: { n: number }[] }).rows).toEqual([{ n: 1 }]);
    });
  });

  it('when given something that is not a node-postgres database, then it says so', async () => {
    await expect(countWidgets.run({} as typeof database.db, [])).rejects.toThrow('not a node-postgres database');
  });
});
