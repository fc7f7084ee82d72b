import { type Executor, OrderStatus, RetryLaterError } from '@ticketing/common';
import { lockOrder, lockOrderForEvent, setOrderStatus } from '../db/orders.repository';
import type { CancelReason, OrderRow } from '../db/schema';
import { orderCancelledEvent, orderCompletedEvent } from '../events/order-events';
import type { OrdersDeps } from './deps';

/** Where a transition was asked from: the causing event or request, for tracing and de-duplication. */
export interface TransitionCause {
  correlationId?: string;
  /** For events that carry no version: recorded once per consumer, a redelivery does nothing. */
  processed?: { consumer: string; eventId: string };
}

/** A `created` reservation past its expiry holds its ticket no longer, whether or not it was cancelled yet. */
export function isOverdue(order: Pick<OrderRow, 'status' | 'expiresAt'>, now: Date = new Date()): boolean {
  return order.status === OrderStatus.Created && order.expiresAt.getTime() < now.getTime();
}

/** The status a reader sees: an overdue reservation is shown as cancelled before the timer or sweep persisted it. */
export function effectiveStatus(order: Pick<OrderRow, 'status' | 'expiresAt'>, now: Date = new Date()): OrderStatus {
  return isOverdue(order, now) ? OrderStatus.Cancelled : order.status;
}

/** Cancels a locked order, recording why, and writes its order.cancelled in the same transaction. */
export async function cancelLockedOrder(
  tx: Executor,
  order: OrderRow,
  reason: CancelReason,
  correlationId?: string,
): Promise<OrderRow> {
  return setOrderStatus(tx, order, OrderStatus.Cancelled, reason, (cancelled) =>
    orderCancelledEvent(cancelled, { correlationId }),
  );
}

export type ExpireOutcome = 'cancelled' | 'already-cancelled' | 'complete' | 'unknown-order' | 'duplicate';

/**
 * The reservation ran out (expiration.complete, or the sweep found it overdue): cancel it unless
 * it is complete or already cancelled. Idempotent, so the timer and the sweep may both ask.
 *
 * Orders' own clock decides: an expiration that arrives before the order's `expiresAt` (the
 * expiration service's clock runs ahead) throws {@link RetryLaterError} until it is due, so a
 * live reservation is never cancelled early.
 */
export async function expireOrder(
  { relay }: OrdersDeps,
  orderId: string,
  cause: TransitionCause = {},
  now: Date = new Date(),
): Promise<ExpireOutcome> {
  return relay.transaction(async (tx): Promise<ExpireOutcome> => {
    // The event is recorded with the lock; an early one rolls the record back with its error.
    const { fresh, order } = await lockFor(tx, orderId, cause);
    if (order?.status === OrderStatus.Created && order.expiresAt.getTime() > now.getTime()) {
      const earlyMs = order.expiresAt.getTime() - now.getTime();
      throw new RetryLaterError(`order ${orderId} expires in ${earlyMs} ms, not yet`, earlyMs);
    }
    if (!fresh) return 'duplicate';
    if (!order) return 'unknown-order';
    if (order.status === OrderStatus.Complete) return 'complete';
    if (order.status === OrderStatus.Cancelled) return 'already-cancelled';
    await cancelLockedOrder(tx, order, 'expired', cause.correlationId);
    return 'cancelled';
  });
}

export type CompleteOutcome = 'completed' | 'already-complete' | 'cancelled' | 'unknown-order' | 'duplicate';

/**
 * The order was paid (payment.created): mark it complete, recording the payment and when it
 * arrived. A cancelled order stays cancelled — the payments service refunds — and the caller logs it.
 */
export async function completeOrder(
  { relay }: OrdersDeps,
  orderId: string,
  paymentId: string,
  cause: TransitionCause = {},
  now: Date = new Date(),
): Promise<CompleteOutcome> {
  return relay.transaction(async (tx): Promise<CompleteOutcome> => {
    const { fresh, order } = await lockFor(tx, orderId, cause);
    if (!fresh) return 'duplicate';
    if (!order) return 'unknown-order';
    if (order.status === OrderStatus.Complete) return 'already-complete';
    if (order.status === OrderStatus.Cancelled) return 'cancelled';
    await setOrderStatus(
      tx,
      order,
      OrderStatus.Complete,
      undefined,
      (completed) => orderCompletedEvent(completed, { correlationId: cause.correlationId }),
      { paymentId, paidAt: now },
    );
    return 'completed';
  });
}

/** Locks the order; with a causing event, records it in the same statement (`fresh` is false on a redelivery). */
async function lockFor(
  tx: Executor,
  orderId: string,
  cause: TransitionCause,
): Promise<{ fresh: boolean; order: OrderRow | undefined }> {
  if (cause.processed) return lockOrderForEvent(tx, orderId, cause.processed);
  return { fresh: true, order: await lockOrder(tx, orderId) };
}
