import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { sql } from 'drizzle-orm';
import { createDatabase, type Database } from '../db/create-database';
import { testPostgresServer } from './test-database';

/** A copy of `migrationsFolder` whose journal stops after migration `last` (its journal index). */
function migrationsUpTo(migrationsFolder: string, last: number): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

/** A database as a migration test sees it: run SQL, read the rows a query returns. */
export interface MigrationDatabase {
  db: Database;
  rows<T>(query: ReturnType<typeof sql>): Promise<T[]>;
}

/**
 * Tests a migration on data an older version of the service wrote: a fresh database of this
 * worker's server is migrated up to migration `last` (its journal index), `before` fills it, then
 * it is migrated to the current schema and `after` reads it; the database is dropped afterwards.
 */
export async function migrateFrom<T>(
  migrationsFolder: string,
  last: number,
  before: (old: MigrationDatabase) => Promise<void>,
  after: (current: MigrationDatabase) => Promise<T>,
): Promise<T> {
  const server = testPostgresServer();
  const url = await server.createDatabase();
  const olderFolder = migrationsUpTo(migrationsFolder, last);
  const open = async (folder: string) => {
    const database = await createDatabase({ url, schema: {}, migrationsFolder: folder, poolSize: 1 });
    const rows = async <R>(query: ReturnType<typeof sql>) =>
      ((await database.db.execute(query)) as unknown as { rows: R[] }).rows;
    return { database, view: { db: database.db, rows } satisfies MigrationDatabase };
  };
  try {
    const old = await open(olderFolder);
    try {
      await before(old.view);
    } finally {
      await old.database.close();
    }
    const current = await open(migrationsFolder);
    try {
      return await after(current.view);
    } finally {
      await current.database.close();
    }
  } finally {
    rmSync(olderFolder, { recursive: true, force: true });
    await server.dropDatabase(url);
  }
}
