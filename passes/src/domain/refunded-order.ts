import { enqueueEvent, RetryLaterError } from '@ticketing/common';
import { lockPassOfOrder, recordRefundedOrder, revokePass } from '../db/passes.repository';
import { lockOrder } from '../db/replicas.repository';
import type { PassRow } from '../db/schema';
import { passRevokedEvent } from '../events/pass-events';
import type { PassesDeps } from './deps';

export type RefundOutcome =
  /** The order's pass (valid, or listed for resale) is revoked: it never admits anyone. */
  | { outcome: 'revoked'; pass: PassRow }
  /** No pass yet: order.completed comes later, and its pass is revoked as it is issued. */
  | { outcome: 'not-issued' }
  /** The pass was scanned at the door before the refund: the ticket was used, nothing to revoke. */
  | { outcome: 'admitted'; pass: PassRow }
  /** The pass was revoked already (the ticket was resold since). */
  | { outcome: 'already-revoked'; pass: PassRow }
  /** This refund was applied before (a redelivered payment.refunded). */
  | { outcome: 'duplicate' };

export interface RefundedOrderInput {
  orderId: string;
  paymentId: string;
  refundedAt: Date;
  correlationId?: string;
}

/**
 * payment.refunded: the buyer of the order got their money back, so the sale is undone and the
 * order's pass must not admit anyone — it is revoked (`refunded`, replaced by nothing; a pass
 * listed for resale is unlocked from its listing, which tickets then rejects). The refund is
 * recorded once per order, under the order's row lock, which order.completed's issuance takes too:
 * a pass issued after the refund is revoked as it is issued. An order not known yet is retried.
 */
export async function revokePassOfRefundedOrder(deps: PassesDeps, input: RefundedOrderInput): Promise<RefundOutcome> {
  const result = await deps.relay.transaction(async (tx): Promise<RefundOutcome> => {
    const order = await lockOrder(tx, input.orderId);
    if (!order) throw new RetryLaterError(`order ${input.orderId} is not known yet`);
    const recorded = await recordRefundedOrder(tx, {
      orderId: order.id,
      paymentId: input.paymentId,
      refundedAt: input.refundedAt,
    });
    if (!recorded) return { outcome: 'duplicate' };
    const pass = await lockPassOfOrder(tx, order.id);
    if (!pass) return { outcome: 'not-issued' };
    if (pass.status === 'admitted') return { outcome: 'admitted', pass };
    if (pass.status === 'revoked') return { outcome: 'already-revoked', pass };
    const revoked = await revokePass(tx, { id: pass.id, replacedBy: null, reason: 'refunded', at: new Date() });
    if (!revoked) throw new Error(`pass ${pass.id} changed under its row lock`);
    await enqueueEvent(tx, passRevokedEvent(revoked, { correlationId: input.correlationId }));
    return { outcome: 'revoked', pass: revoked };
  });
  if (result.outcome === 'revoked') deps.metrics.revoked.inc();
  return result;
}
