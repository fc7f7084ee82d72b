import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { migrateFrom } from '@ticketing/common/testing';
import { sql } from 'drizzle-orm';

const migrationsFolder = path.join(__dirname, '..', 'migrations');

describe('orders migrations', () => {
  it('when a database made before reservations were numbered holds orders, then migrating numbers each ticket’s orders in the order they were made', async () => {
    const [ticketA, ticketB] = [randomUUID(), randomUUID()];
    const orderIds = [randomUUID(), randomUUID(), randomUUID()];
    const rows = await migrateFrom(
      migrationsFolder,
      1,
      async ({ db }) => {
        for (const ticketId of [ticketA, ticketB]) {
          await db.execute(
            sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1000, ${randomUUID()}, 0)`,
          );
        }
        const made = [
          [orderIds[0], ticketA, 'cancelled', '2026-01-01T10:00:00Z'],
          [orderIds[1], ticketA, 'created', '2026-01-01T11:00:00Z'],
          [orderIds[2], ticketB, 'created', '2026-01-01T09:00:00Z'],
        ];
        for (const [id, ticketId, status, createdAt] of made) {
          await db.execute(
            sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, created_at) values (${id}, ${randomUUID()}, ${status}, now(), ${ticketId}, 1000, ${createdAt})`,
          );
        }
      },
      (current) =>
        current.rows<{ id: string; reservation_number: number }>(sql`select id, reservation_number from orders`),
    );
    const numbers = new Map(rows.map((row) => [row.id, row.reservation_number]));
    expect(orderIds.map((id) => numbers.get(id!))).toEqual([1, 2, 1]);
  });

  it('when a database made before orders stored their price holds orders, then migrating gives each order its ticket’s price', async () => {
    const [ticketId, orderId] = [randomUUID(), randomUUID()];
    const rows = await migrateFrom(
      migrationsFolder,
      0,
      async ({ db }) => {
        await db.execute(
          sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1234, ${randomUUID()}, 0)`,
        );
        await db.execute(
          sql`insert into orders (id, user_id, status, expires_at, ticket_id) values (${orderId}, ${randomUUID()}, 'created', now(), ${ticketId})`,
        );
      },
      (current) => current.rows(sql`select price_cents from orders where id = ${orderId}`),
    );
    expect(rows).toEqual([{ price_cents: 1234 }]);
  });

  it('when a database made before orders recorded their payment holds a paid order, then migrating keeps it, with no payment time or id', async () => {
    const [ticketId, orderId] = [randomUUID(), randomUUID()];
    const rows = await migrateFrom(
      migrationsFolder,
      5,
      async ({ db }) => {
        await db.execute(
          sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 1234, ${randomUUID()}, 1)`,
        );
        await db.execute(
          sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, reservation_number, version) values (${orderId}, ${randomUUID()}, 'complete', now(), ${ticketId}, 1234, 1, 1)`,
        );
      },
      (current) => current.rows(sql`select status, paid_at, payment_id from orders where id = ${orderId}`),
    );
    expect(rows).toEqual([{ status: 'complete', paid_at: null, payment_id: null }]);
  });

  it('when a database made before fees holds an order, then migrating gives it no fee and a total equal to its price, and its ticket no catalog event', async () => {
    const [ticketId, orderId] = [randomUUID(), randomUUID()];
    const [orders, tickets] = await migrateFrom(
      migrationsFolder,
      7,
      async ({ db }) => {
        await db.execute(
          sql`insert into tickets (id, title, price_cents, user_id, version) values (${ticketId}, 'Old', 4500, ${randomUUID()}, 1)`,
        );
        await db.execute(
          sql`insert into orders (id, user_id, status, expires_at, ticket_id, price_cents, reservation_number, version) values (${orderId}, ${randomUUID()}, 'complete', now(), ${ticketId}, 4500, 1, 1)`,
        );
      },
      (current) =>
        Promise.all([
          current.rows(sql`select price_cents, buyer_fee_cents, total_cents from orders where id = ${orderId}`),
          current.rows(sql`select event_id from tickets where id = ${ticketId}`),
        ]),
    );
    expect(orders).toEqual([{ price_cents: 4500, buyer_fee_cents: 0, total_cents: 4500 }]);
    expect(tickets).toEqual([{ event_id: null }]);
  });
});
