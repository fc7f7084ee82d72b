import {
  type Database,
  type Executor,
  type OrderCancelledData,
  type OrderCreatedData,
  type OrderStatus,
  RetryLaterError,
} from '@ticketing/common';
import { findOrder, insertOrder, updateOrderToVersion } from '../db/orders.repository';

/** order.created: store the replica. Returns false for a duplicate (already stored). */
export function recordOrderCreated(db: Database, data: OrderCreatedData): Promise<boolean> {
  return insertOrder(db, {
    id: data.id,
    userId: data.userId,
    status: data.status,
    priceCents: data.ticket.price,
    expiresAt: new Date(data.expiresAt),
    version: data.version,
  });
}

/**
 * order.cancelled / order.completed: applied only on top of its predecessor (`version = local + 1`).
 * Returns false for a duplicate (`version <= local`); throws {@link RetryLaterError} when it came
 * early (the order, or a version before it, has not arrived yet) so the listener retries it.
 */
export async function applyOrderStatus(
  db: Executor,
  data: Pick<OrderCancelledData, 'id' | 'version'>,
  status: typeof OrderStatus.Cancelled | typeof OrderStatus.Complete,
): Promise<boolean> {
  if (await updateOrderToVersion(db, { id: data.id, version: data.version, status })) return true;
  const local = await findOrder(db, data.id);
  if (!local) throw new RetryLaterError(`order ${data.id} is not known yet`);
  if (data.version <= local.version) return false;
  throw new RetryLaterError(`order ${data.id} is at version ${local.version}, waiting before ${data.version}`);
}
