import { type Executor, updateVersioned } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { type OrderRow, orders } from './schema';

export async function findOrder(db: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
  return row;
}

/** Reads an order and locks its row until the transaction ends: payments and order events take turns. */
export async function lockOrder(tx: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, id)).limit(1).for('update');
  return row;
}

/** Inserts the replicas of new orders in one statement, skipping those already there (redelivered events); returns how many were new. */
export async function insertOrders(db: Executor, rows: readonly OrderRow[]): Promise<number> {
  const inserted = await db
    .insert(orders)
    .values([...rows])
    .onConflictDoNothing()
    .returning({ id: orders.id });
  return inserted.length;
}

/**
 * Moves the replica to `version` with `status` when it holds exactly the version before it;
 * returns undefined otherwise (unknown order, duplicate, or an event that came too early).
 */
export function updateOrderToVersion(
  db: Executor,
  { id, version, status }: Pick<OrderRow, 'id' | 'version' | 'status'>,
): Promise<OrderRow | undefined> {
  return updateVersioned(db, orders, id, version - 1, { status });
}

/** The replica takes the order as it is, whatever version it held (a resync). */
export async function overwriteOrder(db: Executor, order: OrderRow): Promise<void> {
  const { id, ...values } = order;
  await db.insert(orders).values(order).onConflictDoUpdate({ target: orders.id, set: values });
}

/** Sets the status at `version`, skipping the versions in between (a gap that healed). */
export async function setOrderStatusAtVersion(
  db: Executor,
  { id, version, status }: Pick<OrderRow, 'id' | 'version' | 'status'>,
): Promise<void> {
  await db.update(orders).set({ status, version }).where(eq(orders.id, id));
}
