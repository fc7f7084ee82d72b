import type { Order } from './types';

/** How an order looks to its buyer. */
export type OrderPhase = 'pending' | 'expired' | 'cancelled' | 'paid';

/**
 * The API has no "expired" status: an unpaid order past `expiresAt` is cancelled by the
 * expiration service (and cannot be paid even before that happens). A cancelled order whose
 * window had not run out was cancelled by the buyer.
 */
export function orderPhase(order: Pick<Order, 'status' | 'expiresAt'>, now: number = Date.now()): OrderPhase {
  if (order.status === 'complete') return 'paid';
  const expired = Date.parse(order.expiresAt) <= now;
  if (order.status === 'cancelled') return expired ? 'expired' : 'cancelled';
  return expired ? 'expired' : 'pending';
}
