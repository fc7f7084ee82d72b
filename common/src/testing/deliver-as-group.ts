import { sql } from 'drizzle-orm';
import type { Database } from '../db/create-database';
import { waitFor } from './wait-for';

/**
 * Has a consumer with `applyBatch` take `size` events as one group, as it does under load: while
 * `table` is held (locked by a transaction), the consumer waits on the event `publishFirst`
 * publishes, and the ones `publishGroup` publishes arrive meanwhile. Resolves once the table is
 * let go, the consumer holding them all; `ackPending` reads its `num_ack_pending`.
 */
export async function deliverAsGroup({
  db,
  table,
  ackPending,
  publishFirst,
  publishGroup,
  size,
}: {
  db: Database;
  table: string;
  ackPending: () => Promise<number>;
  publishFirst: () => Promise<unknown>;
  publishGroup: () => Promise<unknown>;
  size: number;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${sql.identifier(table)} in exclusive mode`);
    await publishFirst();
    await waitFor(async () => (await ackPending()) === 1);
    await publishGroup();
    await waitFor(async () => (await ackPending()) === 1 + size);
  });
}
