import { DEFAULT_SELLER_FEE_PERCENT, sellerProceeds } from '@ticketing/common';

/** A completed or cancelled order, as orders has it. */
export interface LedgerOrder {
  id: string;
  status: string;
  price_cents: number;
}

/** A seller's payout, as payments has it. */
export interface LedgerPayout {
  id: string;
  order_id: string;
  price_cents: number;
  seller_fee_cents: number;
  amount_cents: number;
  status: string;
  transfer_id: string | null;
  reversal_id: string | null;
  /** The buyer was refunded: the payout is to be cancelled or reversed. */
  refunded: boolean;
}

/** A transfer to a seller as the sandbox gateway recorded it (what actually moved). */
export interface LedgerTransfer {
  id: string;
  payout_id: string;
  order_id: string;
  amount: number;
  reversed: boolean;
}

export interface PayoutLedgerInput {
  orders: readonly LedgerOrder[];
  payouts: readonly LedgerPayout[];
  /** The sandbox's transfers; none when payments talks to Stripe (then the gateway side is not checked). */
  transfers: readonly LedgerTransfer[];
  /** Orders whose buyer was refunded in full (a refunded claim, or every charge refunded). */
  refundedOrders: ReadonlySet<string>;
  /** SELLER_FEE_PERCENT of the platform under test (default 5). */
  sellerFeePercent?: number;
  /** Every payout must have reached its final state for the refunds (the scheduler swept). */
  moneySettled: boolean;
}

/**
 * The sellers' side of the money ledger. Returns one sentence per violation:
 *
 * - a payout pays the order's price less the seller fee (`sellerProceeds`), one per order;
 * - no payout is paid twice: one transfer per payout at the gateway, and a paid payout names it;
 * - at the gateway, a seller keeps (transferred − reversed) the payout's amount when it is paid and
 *   nothing otherwise (with `moneySettled`: a transfer a crash left unrecorded counts);
 * - a refunded order's payout is never paid and kept: it is cancelled or reversed (before the
 *   scheduler has swept, at least marked for it).
 */
export function payoutLedgerViolations(input: PayoutLedgerInput): string[] {
  const { orders, payouts, transfers, refundedOrders, moneySettled } = input;
  const percent = input.sellerFeePercent ?? DEFAULT_SELLER_FEE_PERCENT;
  const violations: string[] = [];
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const payoutsByOrder = new Map<string, LedgerPayout[]>();
  for (const payout of payouts) {
    payoutsByOrder.set(payout.order_id, [...(payoutsByOrder.get(payout.order_id) ?? []), payout]);
  }
  const transfersByPayout = new Map<string, LedgerTransfer[]>();
  for (const transfer of transfers) {
    transfersByPayout.set(transfer.payout_id, [...(transfersByPayout.get(transfer.payout_id) ?? []), transfer]);
  }

  for (const [orderId, list] of payoutsByOrder) {
    if (list.length > 1) violations.push(`payouts: order ${orderId} has ${list.length} payouts`);
  }
  for (const payout of payouts) {
    const about = `payout ${payout.id} of order ${payout.order_id}`;
    const order = orderById.get(payout.order_id);
    if (!order) {
      violations.push(`payouts: ${about} belongs to an order orders does not have`);
    } else {
      if (order.status !== 'complete') violations.push(`payouts: ${about} for an order that is ${order.status}`);
      const { sellerFee, payout: owed } = sellerProceeds(order.price_cents, percent);
      if (
        payout.price_cents !== order.price_cents ||
        payout.seller_fee_cents !== sellerFee ||
        payout.amount_cents !== owed
      ) {
        violations.push(
          `payouts: ${about} pays ${payout.amount_cents} (price ${payout.price_cents}, fee ${payout.seller_fee_cents}); the order's price ${order.price_cents} owes ${owed} after a fee of ${sellerFee}`,
        );
      }
    }
    const moved = transfersByPayout.get(payout.id) ?? [];
    if (moved.length > 1) violations.push(`payouts: ${about} was transferred ${moved.length} times`);
    const paid = payout.status === 'paid' || payout.status === 'reversed';
    if (paid && !payout.transfer_id) violations.push(`payouts: ${about} is ${payout.status} without a transfer`);
    if (payout.status === 'reversed' && !payout.reversal_id) {
      violations.push(`payouts: ${about} is reversed without a reversal`);
    }
    if (transfers.length > 0 && (moneySettled || payout.status !== 'held')) {
      const kept = moved.reduce((sum, transfer) => sum + (transfer.reversed ? 0 : transfer.amount), 0);
      const expected = payout.status === 'paid' ? payout.amount_cents : 0;
      if (kept !== expected) {
        violations.push(`payouts: the seller keeps ${kept} of ${about} (${payout.status}), expected ${expected}`);
      }
    }
    if (refundedOrders.has(payout.order_id)) {
      const settled = payout.status === 'cancelled' || payout.status === 'reversed';
      if (!settled && (moneySettled || !payout.refunded)) {
        violations.push(`payouts: order ${payout.order_id} was refunded but ${about} is ${payout.status}`);
      }
    }
  }
  for (const transfer of transfers) {
    if (!payouts.some((payout) => payout.id === transfer.payout_id)) {
      violations.push(
        `payouts: the gateway transferred ${transfer.id} for payout ${transfer.payout_id}, unknown to payments`,
      );
    }
  }
  return violations;
}
