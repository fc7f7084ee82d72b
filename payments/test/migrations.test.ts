import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { migrateFrom } from '@ticketing/common/testing';
import { sql } from 'drizzle-orm';

const migrationsFolder = path.join(__dirname, '..', 'migrations');

describe('payments migrations', () => {
  it('when a database made before fees holds an order, then migrating gives it no fee, a total equal to its price, and no seller or event', async () => {
    const orderId = randomUUID();
    const rows = await migrateFrom(
      migrationsFolder,
      3,
      async ({ db }) => {
        await db.execute(
          sql`insert into orders (id, user_id, status, price_cents, expires_at, version) values (${orderId}, ${randomUUID()}, 'created', 4500, now(), 0)`,
        );
      },
      (current) =>
        current.rows(
          sql`select price_cents, buyer_fee_cents, total_cents, seller_id, event_id from orders where id = ${orderId}`,
        ),
    );
    expect(rows).toEqual([
      { price_cents: 4500, buyer_fee_cents: 0, total_cents: 4500, seller_id: null, event_id: null },
    ]);
  });
});
