import { randomUUID } from 'node:crypto';
import {
  type ClaimDecision,
  type ClaimJson,
  ConflictError,
  type Executor,
  enqueueEvent,
  ForbiddenError,
  NotFoundError,
  OrderStatus,
} from '@ticketing/common';
import { findAdmittedOrder } from '../db/catalog-events.repository';
import {
  findClaim,
  findClaimOfOrder,
  hasOpenClaim,
  insertClaim,
  listClaims,
  ordersWithOpenClaim,
  resolveOpenClaim,
} from '../db/claims.repository';
import { OrderHistoryKind, recordOrderHistory } from '../db/order-history.repository';
import { findOrder } from '../db/orders.repository';
import { findPayoutOfOrder, succeededPaymentIdOfOrder } from '../db/payouts.repository';
import { recordRefundIntent } from '../db/refunds.repository';
import { type ClaimRow, ClaimStatus, PayoutStatus } from '../db/schema';
import { claimOpenedEvent, claimResolvedEvent } from '../events/payment-events';
import type { PaymentsDeps } from './deps';
import { takeBackPayout } from './payout-refunds';

/** The refund reason a claim's refund intent carries. */
export const CLAIM_REFUND_REASON = 'claim refunded';

/** Payouts past which a claim comes too late: the seller was paid, or the buyer refunded already. */
const TOO_LATE: readonly PayoutStatus[] = [PayoutStatus.Paid, PayoutStatus.Reversed, PayoutStatus.Cancelled];

const admittedReason = (admittedAt: Date) =>
  `The pass was admitted at the door at ${admittedAt.toISOString()}: the ticket worked.`;

export function claimJsonOf(claim: ClaimRow): ClaimJson {
  return {
    id: claim.id,
    orderId: claim.orderId,
    buyerId: claim.buyerId,
    message: claim.message,
    status: claim.status,
    reason: claim.reason,
    resolvedBy: claim.resolvedBy,
    openedAt: claim.openedAt.toISOString(),
    resolvedAt: claim.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * A buyer reports that the ticket of a completed order did not work, before its seller is paid:
 * the claim holds the payout (claim.opened). If the buyer's pass was admitted at the door, the
 * claim is declined at once with that reason (claim.resolved, outcome declined).
 */
export async function openClaim(
  deps: Pick<PaymentsDeps, 'db' | 'relay' | 'logger'>,
  { buyerId, orderId, message }: { buyerId: string; orderId: string; message: string },
): Promise<ClaimRow> {
  const claim = await deps.relay.transaction(async (tx) => {
    const order = await findOrder(tx, orderId);
    if (!order) throw new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
    if (order.userId !== buyerId) {
      throw new ForbiddenError('Only the buyer of the order can open a claim', 'CLAIM_NOT_BUYER');
    }
    if (order.status !== OrderStatus.Complete) {
      throw new ConflictError('Only a completed (paid) order can be claimed', 'CLAIM_ORDER_NOT_COMPLETE');
    }
    if (await findClaimOfOrder(tx, orderId)) {
      throw new ConflictError('This order has a claim already', 'CLAIM_EXISTS');
    }
    const payout = await findPayoutOfOrder(tx, orderId);
    if (payout && TOO_LATE.includes(payout.status)) {
      throw new ConflictError(
        'Too late: the seller has been paid (or the order refunded) already; contact support',
        'CLAIM_TOO_LATE',
      );
    }
    const opened = await insertClaim(tx, { id: randomUUID(), orderId, buyerId, message });
    if (!opened) throw new ConflictError('This order has a claim already', 'CLAIM_EXISTS');
    await enqueueEvent(tx, claimOpenedEvent(opened));
    await recordOrderHistory(tx, {
      orderId,
      kind: OrderHistoryKind.ClaimOpened,
      detail: { claimId: opened.id, buyerId, message },
    });
    const admitted = await findAdmittedOrder(tx, orderId);
    if (!admitted) return opened;
    return (await declineClaim(tx, opened, admitted.admittedAt)) ?? opened;
  });
  // An admission that committed while the claim was being opened is seen now (the transaction
  // could not see it, and the admission's handler may have looked for a claim before this one
  // committed): the claim is declined all the same.
  const admitted = claim.status === ClaimStatus.Open ? await findAdmittedOrder(deps.db, orderId) : undefined;
  const result = (admitted && (await declineClaimOfAdmittedOrder(deps, orderId, admitted.admittedAt))) || claim;
  deps.logger.info({ claimId: result.id, orderId, status: result.status }, 'claim opened');
  return result;
}

async function declineClaim(tx: Executor, claim: ClaimRow, admittedAt: Date): Promise<ClaimRow | undefined> {
  const declined = await resolveOpenClaim(tx, claim.id, {
    status: ClaimStatus.Declined,
    reason: admittedReason(admittedAt),
    resolvedBy: null,
  });
  if (!declined) return undefined;
  await enqueueEvent(tx, claimResolvedEvent(declined));
  await recordOrderHistory(tx, {
    orderId: declined.orderId,
    kind: OrderHistoryKind.ClaimDeclined,
    detail: { claimId: declined.id, reason: declined.reason },
  });
  return declined;
}

/**
 * The order's pass was admitted, and that admission is committed: an open claim on the order is
 * declined (the ticket worked). Returns the declined claim, if there was one open. The claim is
 * looked for only after the admission committed, as {@link openClaim} looks for the admission
 * after the claim committed: of a claim and an admission that race, one sees the other.
 */
export async function declineClaimOfAdmittedOrder(
  deps: Pick<PaymentsDeps, 'db' | 'relay'>,
  orderId: string,
  admittedAt: Date,
): Promise<ClaimRow | undefined> {
  // Nearly every admission has no claim: one statement says so, without a transaction.
  if (!(await hasOpenClaim(deps.db, orderId))) return undefined;
  return declineOpenClaimOf(deps, orderId, admittedAt);
}

/**
 * {@link declineClaimOfAdmittedOrder} for the admissions of a group, all committed: one statement
 * finds the orders among them with an open claim, and each of those is declined. Returns the
 * declined claims.
 */
export async function declineClaimsOfAdmittedOrders(
  deps: Pick<PaymentsDeps, 'db' | 'relay'>,
  admissions: readonly { orderId: string; admittedAt: Date }[],
): Promise<ClaimRow[]> {
  const claimed = new Set(
    await ordersWithOpenClaim(
      deps.db,
      admissions.map((admission) => admission.orderId),
    ),
  );
  const declined: ClaimRow[] = [];
  for (const { orderId, admittedAt } of admissions) {
    if (!claimed.delete(orderId)) continue;
    const claim = await declineOpenClaimOf(deps, orderId, admittedAt);
    if (claim) declined.push(claim);
  }
  return declined;
}

async function declineOpenClaimOf(
  deps: Pick<PaymentsDeps, 'relay'>,
  orderId: string,
  admittedAt: Date,
): Promise<ClaimRow | undefined> {
  return deps.relay.transaction(async (tx) => {
    const claim = await findClaimOfOrder(tx, orderId);
    if (claim?.status !== ClaimStatus.Open) return undefined;
    return declineClaim(tx, claim, admittedAt);
  });
}

/** The claims a user may see: their own, or every one for an operator; only those in `status` when given. */
export function claimsFor(
  deps: Pick<PaymentsDeps, 'db'>,
  { userId, operator, status }: { userId: string; operator: boolean; status?: ClaimStatus },
): Promise<ClaimRow[]> {
  return listClaims(deps.db, { buyerId: operator ? undefined : userId, status });
}

/**
 * An operator decides an open claim. `refund`: a refund intent of the order's payment (performed
 * by the refund worker, reason "claim refunded") and the payout taken back — cancelled if not paid,
 * otherwise reversed by the scheduler. `release`: the hold is lifted; the scheduler pays as usual.
 * Either way claim.resolved and the history's steps, in one transaction.
 */
export async function resolveClaim(
  deps: Pick<PaymentsDeps, 'relay' | 'logger' | 'wakeRefunds'>,
  { claimId, decision, operatorId }: { claimId: string; decision: ClaimDecision; operatorId: string },
): Promise<ClaimRow> {
  const resolved = await deps.relay.transaction(async (tx) => {
    const claim = await findClaim(tx, claimId);
    if (!claim) throw new NotFoundError('Claim not found', 'CLAIM_NOT_FOUND');
    const notOpen = () => new ConflictError(`The claim is ${claim.status} already`, 'CLAIM_NOT_OPEN');
    if (claim.status !== ClaimStatus.Open) throw notOpen();
    const paymentId = decision === 'refund' ? await succeededPaymentIdOfOrder(tx, claim.orderId) : undefined;
    if (decision === 'refund' && !paymentId) {
      throw new ConflictError('payments holds no charge of this order to refund', 'ORDER_NOT_REFUNDABLE');
    }
    const row = await resolveOpenClaim(tx, claim.id, {
      status: decision === 'refund' ? ClaimStatus.Refunded : ClaimStatus.Released,
      reason: null,
      resolvedBy: operatorId,
    });
    if (!row) throw notOpen();
    if (paymentId) {
      await recordRefundIntent(tx, { paymentId, orderId: row.orderId, reason: CLAIM_REFUND_REASON });
      await recordOrderHistory(tx, {
        orderId: row.orderId,
        kind: OrderHistoryKind.RefundRequested,
        detail: { paymentId, reason: CLAIM_REFUND_REASON },
      });
      await takeBackPayout(tx, { id: paymentId, orderId: row.orderId }, CLAIM_REFUND_REASON);
    }
    await enqueueEvent(tx, claimResolvedEvent(row));
    await recordOrderHistory(tx, {
      orderId: row.orderId,
      kind: paymentId ? OrderHistoryKind.ClaimRefunded : OrderHistoryKind.ClaimReleased,
      detail: { claimId: row.id, resolvedBy: operatorId },
    });
    return row;
  });
  if (resolved.status === ClaimStatus.Refunded) deps.wakeRefunds();
  deps.logger.info({ claimId, orderId: resolved.orderId, decision, operatorId }, 'claim resolved');
  return resolved;
}
