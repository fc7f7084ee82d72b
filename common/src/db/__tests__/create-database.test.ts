import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createDatabase } from '../create-database';
import * as schema from './fixtures/schema';
import { captureLogger, migrationsFolder } from './helpers';

describe('createDatabase with PGlite', () => {
  let tempDir: string;

  beforeAll(() => {
    tempDir = mkdtempSync(path.join(tmpdir(), 'ticketing-db-test-'));
  });

  afterAll(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('when no url nor dataDir is given, then it opens an in-memory database with the migrations applied', async () => {
    const { logger, lines } = captureLogger();
    const handle = await createDatabase({ schema, migrationsFolder, logger });
    try {
      expect(handle.driver).toBe('pglite');
      await expect(handle.ping()).resolves.toBeUndefined();
      const tables = await handle.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`);
      const names = (tables as unknown as { rows: { tablename: string }[] }).rows.map((row) => row.tablename);
      expect(names.sort()).toEqual(['outbox', 'processed_events', 'widgets']);
      const migrated = lines().find((line) => line.msg === 'database migrated');
      expect(migrated).toMatchObject({ driver: 'pglite', dataDir: 'memory://' });
    } finally {
      await handle.close();
    }
  });

  it('when dataDir does not exist, then it is created, and the data and migrations survive a reopen', async () => {
    const dataDir = path.join(tempDir, 'nested', 'service');
    const first = await createDatabase({ schema, migrationsFolder, dataDir });
    await first.db.insert(schema.widgets).values({ name: 'kept' });
    await first.close();

    const second = await createDatabase({ schema, migrationsFolder, dataDir });
    try {
      const rows = await second.db.select({ name: schema.widgets.name }).from(schema.widgets);
      expect(rows).toEqual([{ name: 'kept' }]);
      const journal = await second.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
      expect((journal as unknown as { rows: { applied: number }[] }).rows[0]?.applied).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('when the migrations folder is missing, then opening fails with drizzle’s message', async () => {
    await expect(
      createDatabase({ schema, migrationsFolder: path.join(tempDir, 'no-such-folder'), dataDir: 'memory://' }),
    ).rejects.toThrow(/_journal\.json/);
  });
});
