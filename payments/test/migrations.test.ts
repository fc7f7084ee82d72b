import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '@ticketing/common';
import { testPostgresServer } from '@ticketing/common/testing';
import { sql } from 'drizzle-orm';

const migrationsFolder = path.join(__dirname, '..', 'migrations');

/** A copy of the migrations folder that stops after migration `last` (its journal index). */
function migrationsUpTo(last: number): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'payments-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('payments migrations', () => {
  it('when a database made before fees holds an order, then migrating gives it no fee, a total equal to its price, and no seller or event', async () => {
    const server = testPostgresServer();
    const url = await server.createDatabase();
    const before = migrationsUpTo(3);
    try {
      const old = await createDatabase({ url, schema: {}, migrationsFolder: before, poolSize: 1 });
      const orderId = randomUUID();
      await old.db.execute(
        sql`insert into orders (id, user_id, status, price_cents, expires_at, version) values (${orderId}, ${randomUUID()}, 'created', 4500, now(), 0)`,
      );
      await old.close();

      const current = await createDatabase({ url, schema: {}, migrationsFolder, poolSize: 1 });
      const result = await current.db.execute(
        sql`select price_cents, buyer_fee_cents, total_cents, seller_id, event_id from orders where id = ${orderId}`,
      );
      await current.close();
      expect((result as unknown as { rows: unknown[] }).rows).toEqual([
        { price_cents: 4500, buyer_fee_cents: 0, total_cents: 4500, seller_id: null, event_id: null },
      ]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await server.dropDatabase(url);
    }
  });
});
