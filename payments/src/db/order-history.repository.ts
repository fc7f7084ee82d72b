import { randomUUID } from 'node:crypto';
import type { Executor } from '@ticketing/common';
import { orderHistory } from './schema';

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
} as const;

export type OrderHistoryKind = (typeof OrderHistoryKind)[keyof typeof OrderHistoryKind];

/** Adds an entry to an order's history; call it in the transaction that made the step. */
export async function recordOrderHistory(
  tx: Executor,
  entry: { orderId: string; kind: OrderHistoryKind; detail: Record<string, unknown> },
): Promise<void> {
  await tx.insert(orderHistory).values({ id: randomUUID(), ...entry });
}
