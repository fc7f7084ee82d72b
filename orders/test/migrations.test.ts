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
  const folder = mkdtempSync(path.join(tmpdir(), 'orders-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('orders migrations', () => {
  it('when a database made before reservations were numbered holds orders, then migrating numbers each ticket’s orders in the order they were made', async () => {
    const server = testPostgresServer();
    const url = await server.createDatabase();
    const before = migrationsUpTo(1);
    try {
      const old = await createDatabase({ url, schema: {}, migrationsFolder: before, poolSize: 1 });
      const [ticketA, ticketB] = [randomUUID(), randomUUID()];
      const orderIds = [randomUUID(), randomUUID(), randomUUID()];
      for (const ticketId of [ticketA, ticketB]) {
        await old.db.execute(
          sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1000, ${randomUUID()}, 0)`,
        );
      }
      const made = [
        [orderIds[0], ticketA, 'cancelled', '2026-01-01T10:00:00Z'],
        [orderIds[1], ticketA, 'created', '2026-01-01T11:00:00Z'],
        [orderIds[2], ticketB, 'created', '2026-01-01T09:00:00Z'],
      ];
      for (const [id, ticketId, status, createdAt] of made) {
        await old.db.execute(
          sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, created_at) values (${id}, ${randomUUID()}, ${status}, now(), ${ticketId}, 1000, ${createdAt})`,
        );
      }
      await old.close();

      const current = await createDatabase({ url, schema: {}, migrationsFolder, poolSize: 1 });
      const result = await current.db.execute(sql`select id, reservation_number from orders`);
      await current.close();
      const numbers = new Map(
        (result as unknown as { rows: { id: string; reservation_number: number }[] }).rows.map((row) => [
          row.id,
          row.reservation_number,
        ]),
      );
      expect(orderIds.map((id) => numbers.get(id!))).toEqual([1, 2, 1]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await server.dropDatabase(url);
    }
  });

  it('when a database made before orders stored their price holds orders, then migrating gives each order its ticket’s price', async () => {
    const server = testPostgresServer();
    const url = await server.createDatabase();
    const before = migrationsUpTo(0);
    try {
      const old = await createDatabase({ url, schema: {}, migrationsFolder: before, poolSize: 1 });
      const [ticketId, orderId] = [randomUUID(), randomUUID()];
      await old.db.execute(
        sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1234, ${randomUUID()}, 0)`,
      );
      await old.db.execute(
        sql`insert into orders (id, user_id, status, expires_at, ticket_id) values (${orderId}, ${randomUUID()}, 'created', now(), ${ticketId})`,
      );
      await old.close();

      const current = await createDatabase({ url, schema: {}, migrationsFolder, poolSize: 1 });
      const result = await current.db.execute(sql`select price_cents from orders where id = ${orderId}`);
      await current.close();
      expect((result as unknown as { rows: unknown[] }).rows).toEqual([{ price_cents: 1234 }]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await server.dropDatabase(url);
    }
  });

  it('when a database made before orders recorded their payment holds a paid order, then migrating keeps it, with no payment time or id', async () => {
    const server = testPostgresServer();
    const url = await server.createDatabase();
    const before = migrationsUpTo(5);
    try {
      const old = await createDatabase({ url, schema: {}, migrationsFolder: before, poolSize: 1 });
      const [ticketId, orderId] = [randomUUID(), randomUUID()];
      await old.db.execute(
        sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1234, ${randomUUID()}, 1)`,
      );
      await old.db.execute(
        sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, reservation_number, version) values (${orderId}, ${randomUUID()}, 'complete', now(), ${ticketId}, 1234, 1, 1)`,
      );
      await old.close();

      const current = await createDatabase({ url, schema: {}, migrationsFolder, poolSize: 1 });
      const result = await current.db.execute(
        sql`select status, paid_at, payment_id from orders where id = ${orderId}`,
      );
      await current.close();
      expect((result as unknown as { rows: unknown[] }).rows).toEqual([
        { status: 'complete', paid_at: null, payment_id: null },
      ]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await server.dropDatabase(url);
    }
  });
  it('when a database made before fees holds an order, then migrating gives it no fee and a total equal to its price, and its ticket no catalog event', async () => {
    const server = testPostgresServer();
    const url = await server.createDatabase();
    const before = migrationsUpTo(7);
    try {
      const old = await createDatabase({ url, schema: {}, migrationsFolder: before, poolSize: 1 });
      const [ticketId, orderId] = [randomUUID(), randomUUID()];
      await old.db.execute(
        sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 4500, ${randomUUID()}, 1)`,
      );
      await old.db.execute(
        sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, reservation_number, version) values (${orderId}, ${randomUUID()}, 'complete', now(), ${ticketId}, 4500, 1, 1)`,
      );
      await old.close();

      const current = await createDatabase({ url, schema: {}, migrationsFolder, poolSize: 1 });
      const orders = await current.db.execute(
        sql`select price_cents, buyer_fee_cents, total_cents from orders where id = ${orderId}`,
      );
      const tickets = await current.db.execute(sql`select event_id from tickets where id = ${ticketId}`);
      await current.close();
      expect((orders as unknown as { rows: unknown[] }).rows).toEqual([
        { price_cents: 4500, buyer_fee_cents: 0, total_cents: 4500 },
      ]);
      expect((tickets as unknown as { rows: unknown[] }).rows).toEqual([{ event_id: null }]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await server.dropDatabase(url);
    }
  });
});
