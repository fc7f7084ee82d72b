import { randomUUID } from 'node:crypto';
import {
  type Executor,
  enqueueEvent,
  isUniqueViolation,
  markEventProcessed,
  OrderStatus,
  RetryLaterError,
} from '@ticketing/common';
import {
  findPassOfOrder,
  insertPass,
  isRefundedOrder,
  lastGeneration,
  lockCurrentPassOfTicket,
  lockPass,
  revokePass,
} from '../db/passes.repository';
import { findTicket, lockOrder, setOrderStatus } from '../db/replicas.repository';
import { ONE_PASS_PER_ORDER, type OrderRow, type PassRow } from '../db/schema';
import { passIssuedEvent, passRevokedEvent } from '../events/pass-events';
import { signPassCode } from '../signing/pass-codes';
import { DEFAULT_GAP_HEAL_MS, gapHealed, type PassesDeps } from './deps';

export type IssueOutcome =
  /**
   * Issued (generation 1), or reissued: the ticket's previous pass was revoked. The pass of an
   * order whose buyer was refunded before it was issued (payment.refunded came first) is revoked
   * as it is issued, so the order ends as it would have in the other order of events.
   */
  | { outcome: 'issued'; pass: PassRow; revoked?: PassRow }
  /** The order already has its pass (a redelivered order.completed). */
  | { outcome: 'duplicate'; pass: PassRow | undefined }
  /** The order is not complete in the replica (a resync said otherwise): no pass. */
  | { outcome: 'not-complete' }
  /**
   * The order bought a resale listing whose pass was admitted, revoked (resold by another listing)
   * or is unknown: nothing is issued; `reported` is false when this order's conflict was reported before.
   */
  | { outcome: 'resale-conflict'; reason: ResaleConflictReason; resoldPassId: string; reported: boolean };

export type ResaleConflictReason = 'admitted' | 'revoked' | 'missing';

/** Records that a resale conflict was reported for an order (processed_events), so redeliveries count it once. */
const RESALE_CONFLICT_RECORD = 'passes.resale-conflict';

export interface CompleteOrderInput {
  id: string;
  version: number;
  /** When the event was stored on the stream: the start of a version or ticket gap. */
  storedAt: Date;
  correlationId?: string;
}

/**
 * order.completed: the order is paid, so its buyer gets a signed pass of the ticket — once per order
 * (the unique index on `order_id` decides, not a read). A ticket that already has a current pass
 * (it was resold) gets the next generation, and the previous pass is revoked in the same transaction:
 * a ticket has one current pass. Both events go through the outbox.
 *
 * An order of a resale listing (secure swap: the replica knows its `resaleOfPassId`) revokes the
 * resold pass and issues the buyer the next generation of that pass's ticket chain — the pass
 * follows the physical ticket, not the listing. If that pass was admitted or revoked meanwhile,
 * nothing is issued: the sale needs an operator (logged, `passes_resale_conflicts_total`).
 *
 * An order not known yet is retried (order.created comes later). The ticket's catalog event comes
 * from the tickets replica; a ticket not known yet is waited for until the gap heals (GAP_HEAL_SECONDS),
 * then the pass is issued without an event.
 */
export async function issuePassForOrder(deps: PassesDeps, input: CompleteOrderInput): Promise<IssueOutcome> {
  const healMs = deps.gapHealMs ?? DEFAULT_GAP_HEAL_MS;
  try {
    const result = await deps.relay.transaction(async (tx): Promise<IssueOutcome> => {
      const order = await lockOrder(tx, input.id);
      if (!order) throw new RetryLaterError(`order ${input.id} is not known yet`);
      // Completion is final and passes listens to no order event after it: any newer version applies.
      if (input.version > order.version) {
        await setOrderStatus(tx, { id: order.id, version: input.version, status: OrderStatus.Complete });
        order.status = OrderStatus.Complete;
      }
      if (order.status !== OrderStatus.Complete) return { outcome: 'not-complete' };
      const existing = await findPassOfOrder(tx, order.id);
      if (existing) return { outcome: 'duplicate', pass: existing };
      // The order's row lock orders this read against payment.refunded's handler (it takes it too).
      const refunded = await isRefundedOrder(tx, order.id);

      const ticket = await findTicket(tx, order.ticketId);
      if (!ticket && !gapHealed(input.storedAt, healMs)) {
        throw new RetryLaterError(`ticket ${order.ticketId} of order ${order.id} is not known yet`);
      }
      if (ticket?.resaleOfPassId) {
        return reissueResoldPass(deps, tx, order, ticket.resaleOfPassId, {
          refunded,
          correlationId: input.correlationId,
        });
      }

      const id = randomUUID();
      const current = await lockCurrentPassOfTicket(tx, order.ticketId);
      const generation = (await lastGeneration(tx, order.ticketId)) + 1;
      return issue(deps, tx, order, {
        id,
        ticketId: order.ticketId,
        eventId: ticket?.eventId ?? null,
        generation,
        replacing: current,
        refunded,
        correlationId: input.correlationId,
      });
    });
    if (result.outcome === 'issued') {
      deps.metrics.issued.inc();
      if (result.revoked) deps.metrics.revoked.inc();
      // Its buyer was refunded before it was issued: revoked as it was issued.
      if (result.pass.status === 'revoked') deps.metrics.revoked.inc();
    } else if (result.outcome === 'resale-conflict' && result.reported) {
      deps.metrics.resaleConflicts.inc({ reason: result.reason });
      deps.logger.error(
        { orderId: input.id, resoldPassId: result.resoldPassId, reason: result.reason },
        'resale order completed but its pass was admitted or revoked meanwhile: no pass issued, the sale needs an operator',
      );
    }
    return result;
  } catch (error) {
    // A redelivery handled concurrently by another replica got there first.
    if (isUniqueViolation(error, ONE_PASS_PER_ORDER)) {
      return { outcome: 'duplicate', pass: await findPassOfOrder(deps.db, input.id) };
    }
    throw error;
  }
}

/**
 * The completed order of a resale listing: the resold pass (listed, or valid again if a withdrawal
 * raced the sale) is revoked and the buyer gets the next generation of its ticket chain. An
 * admitted or revoked (already resold) pass cannot be taken back: a conflict, reported once per order.
 */
async function reissueResoldPass(
  deps: PassesDeps,
  tx: Executor,
  order: OrderRow,
  resoldPassId: string,
  { refunded, correlationId }: { refunded: boolean; correlationId: string | undefined },
): Promise<IssueOutcome> {
  const resold = await lockPass(tx, resoldPassId);
  if (!resold || resold.status === 'admitted' || resold.status === 'revoked') {
    const reason: ResaleConflictReason = resold ? (resold.status as 'admitted' | 'revoked') : 'missing';
    const reported = await markEventProcessed(tx, RESALE_CONFLICT_RECORD, order.id);
    return { outcome: 'resale-conflict', reason, resoldPassId, reported };
  }
  return issue(deps, tx, order, {
    id: randomUUID(),
    ticketId: resold.ticketId,
    eventId: resold.eventId,
    generation: resold.generation + 1,
    replacing: resold,
    refunded,
    correlationId,
  });
}

/**
 * Issues the order's buyer a signed pass, revoking the pass it replaces; both events to the outbox.
 * When the order's buyer was refunded already, the new pass is revoked at once (`refunded`).
 */
async function issue(
  deps: PassesDeps,
  tx: Executor,
  order: OrderRow,
  {
    id,
    ticketId,
    eventId,
    generation,
    replacing,
    refunded,
    correlationId,
  }: {
    id: string;
    ticketId: string;
    eventId: string | null;
    generation: number;
    replacing: PassRow | undefined;
    refunded: boolean;
    correlationId: string | undefined;
  },
): Promise<IssueOutcome> {
  const now = new Date();
  let revoked: PassRow | undefined;
  if (replacing) {
    revoked = await revokePass(tx, { id: replacing.id, replacedBy: id, reason: 'reissued', at: now });
    if (revoked) await enqueueEvent(tx, passRevokedEvent(revoked, { correlationId }));
  }
  const code = signPassCode(deps.keys, {
    pid: id,
    tid: ticketId,
    eid: eventId,
    hid: order.userId,
    gen: generation,
    iat: Math.floor(now.getTime() / 1000),
  });
  const pass = await insertPass(tx, {
    id,
    ticketId,
    orderId: order.id,
    eventId,
    holderId: order.userId,
    generation,
    status: 'valid',
    faceValue: order.priceCents,
    currency: order.currency,
    code,
    listingId: null,
    version: 0,
    issuedAt: now,
    admittedAt: null,
    admittedBy: null,
    revokedAt: null,
    replacedBy: null,
    revocationReason: null,
  });
  await enqueueEvent(tx, passIssuedEvent(pass, { correlationId }));
  if (refunded) {
    const dead = await revokePass(tx, { id, replacedBy: null, reason: 'refunded', at: now });
    if (!dead) throw new Error(`pass ${id} changed under its transaction`);
    await enqueueEvent(tx, passRevokedEvent(dead, { correlationId }));
    return { outcome: 'issued', pass: dead, ...(revoked ? { revoked } : {}) };
  }
  return { outcome: 'issued', pass, ...(revoked ? { revoked } : {}) };
}
