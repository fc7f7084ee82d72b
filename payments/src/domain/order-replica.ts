import {
  type Database,
  type Executor,
  type OrderCancelledData,
  type OrderCreatedData,
  type OrderStatus,
  RetryLaterError,
} from '@ticketing/common';
import {
  findOrder,
  insertOrders,
  overwriteOrder,
  setOrderStatusAtVersion,
  updateOrderToVersion,
} from '../db/orders.repository';

/** Events published before fees carry no fee and no total: such an order costs its price. */
const toRow = (data: OrderCreatedData) => ({
  id: data.id,
  userId: data.userId,
  status: data.status,
  priceCents: data.ticket.price,
  buyerFeeCents: data.buyerFee ?? 0,
  totalCents: data.total ?? data.ticket.price + (data.buyerFee ?? 0),
  sellerId: data.ticket.sellerId ?? null,
  eventId: data.ticket.eventId ?? null,
  expiresAt: new Date(data.expiresAt),
  version: data.version,
});

/** order.created: store the replica. Returns false for a duplicate (already stored). */
export async function recordOrderCreated(db: Database, data: OrderCreatedData): Promise<boolean> {
  return (await insertOrders(db, [toRow(data)])) > 0;
}

/** A group of order.created (none a resync) in one statement; returns how many were new. */
export function recordOrdersCreated(db: Database, data: readonly OrderCreatedData[]): Promise<number> {
  return insertOrders(db, data.map(toRow));
}

/**
 * A resync of order.created (orders republishing its state, e.g. after its database was
 * restored): the replica takes the order as it is, whatever version it held. Call it in a
 * transaction that also records the refunds a cancelled order owes.
 */
export async function resyncOrder(tx: Executor, data: OrderCreatedData): Promise<void> {
  await overwriteOrder(tx, toRow(data));
}

/**
 * order.cancelled / order.completed: applied only on top of its predecessor (`version = local + 1`).
 * Returns false for a duplicate (`version <= local`); throws {@link RetryLaterError} when it came
 * early (the order, or a version before it, has not arrived yet) so the listener retries it —
 * until the gap has lasted `gap.healMs`: the status is the whole of what these events change, so
 * it is then applied at the event's version (a version lost with a restored database never comes).
 */
export async function applyOrderStatus(
  db: Executor,
  data: Pick<OrderCancelledData, 'id' | 'version'>,
  status: typeof OrderStatus.Cancelled | typeof OrderStatus.Complete,
  gap?: { storedAt: Date; healMs: number; now?: Date },
): Promise<boolean> {
  if (await updateOrderToVersion(db, { id: data.id, version: data.version, status })) return true;
  const local = await findOrder(db, data.id);
  if (!local) throw new RetryLaterError(`order ${data.id} is not known yet`);
  if (data.version <= local.version) return false;
  if (gap && (gap.now ?? new Date()).getTime() - gap.storedAt.getTime() >= gap.healMs) {
    await setOrderStatusAtVersion(db, { id: data.id, version: data.version, status });
    return true;
  }
  throw new RetryLaterError(`order ${data.id} is at version ${local.version}, waiting before ${data.version}`);
}
