import { randomUUID } from 'node:crypto';
import type { Executor } from '@ticketing/common';
import { asc, eq } from 'drizzle-orm';
import { type OrderHistoryRow, orderHistory } from './schema';

/** The steps an order's history records. */
export const OrderHistoryKind = {
  /** The order completed: its seller is owed a payout. */
  Sold: 'sold',
  /** The seller was paid (the transfer is recorded). */
  PayoutPaid: 'payout_paid',
  /** The transfer was refused repeatedly: the payout is parked for an operator. */
  PayoutFailed: 'payout_failed',
  /** An operator put the parked payout back in the scheduler's hands. */
  PayoutRetried: 'payout_retried',
  /** The buyer was refunded before the payout: it is cancelled. */
  PayoutCancelled: 'payout_cancelled',
  /** The buyer was refunded after the payout (or during its transfer): the transfer is to be reversed. */
  PayoutReversalDue: 'payout_reversal_due',
  /** The transfer was taken back from the seller. */
  PayoutReversed: 'payout_reversed',
  /** A refund of the buyer was decided (the refund worker performs it). */
  RefundRequested: 'refund_requested',
  /** The buyer opened a claim: the payout is held. */
  ClaimOpened: 'claim_opened',
  /** The claim was declined (the pass was admitted at the door). */
  ClaimDeclined: 'claim_declined',
  /** An operator refunded the buyer. */
  ClaimRefunded: 'claim_refunded',
  /** An operator released the payout to the seller. */
  ClaimReleased: 'claim_released',
} as const;

export type OrderHistoryKind = (typeof OrderHistoryKind)[keyof typeof OrderHistoryKind];

/** Adds an entry to an order's history; call it in the transaction that made the step. */
export async function recordOrderHistory(
  tx: Executor,
  entry: { orderId: string; kind: OrderHistoryKind; detail: Record<string, unknown> },
): Promise<void> {
  await tx.insert(orderHistory).values({ id: randomUUID(), ...entry });
}

/** An order's history, oldest step first (GET /api/payments/orders/:orderId/history). */
export function orderHistoryOf(db: Executor, orderId: string): Promise<OrderHistoryRow[]> {
  return db.select().from(orderHistory).where(eq(orderHistory.orderId, orderId)).orderBy(asc(orderHistory.at));
}
