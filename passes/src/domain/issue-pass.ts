import { randomUUID } from 'node:crypto';
import { enqueueEvent, isUniqueViolation, OrderStatus, RetryLaterError } from '@ticketing/common';
import {
  findPassOfOrder,
  insertPass,
  lastGeneration,
  lockCurrentPassOfTicket,
  revokePass,
} from '../db/passes.repository';
import { findTicket, lockOrder, setOrderStatus } from '../db/replicas.repository';
import { ONE_PASS_PER_ORDER, type PassRow } from '../db/schema';
import { passIssuedEvent, passRevokedEvent } from '../events/pass-events';
import { signPassCode } from '../signing/pass-codes';
import { DEFAULT_GAP_HEAL_MS, gapHealed, type PassesDeps } from './deps';

export type IssueOutcome =
  /** Issued (generation 1), or reissued: the ticket's previous pass was revoked. */
  | { outcome: 'issued'; pass: PassRow; revoked?: PassRow }
  /** The order already has its pass (a redelivered order.completed). */
  | { outcome: 'duplicate'; pass: PassRow | undefined }
  /** The order is not complete in the replica (a resync said otherwise): no pass. */
  | { outcome: 'not-complete' };

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

      const ticket = await findTicket(tx, order.ticketId);
      if (!ticket && !gapHealed(input.storedAt, healMs)) {
        throw new RetryLaterError(`ticket ${order.ticketId} of order ${order.id} is not known yet`);
      }
      const now = new Date();
      const id = randomUUID();
      const current = await lockCurrentPassOfTicket(tx, order.ticketId);
      const generation = (await lastGeneration(tx, order.ticketId)) + 1;
      let revoked: PassRow | undefined;
      if (current) {
        revoked = await revokePass(tx, { id: current.id, replacedBy: id, at: now });
        if (revoked) await enqueueEvent(tx, passRevokedEvent(revoked, { correlationId: input.correlationId }));
      }
      const eventId = ticket?.eventId ?? null;
      const code = signPassCode(deps.keys, {
        pid: id,
        tid: order.ticketId,
        eid: eventId,
        hid: order.userId,
        gen: generation,
        iat: Math.floor(now.getTime() / 1000),
      });
      const pass = await insertPass(tx, {
        id,
        ticketId: order.ticketId,
        orderId: order.id,
        eventId,
        holderId: order.userId,
        generation,
        status: 'valid',
        faceValue: order.priceCents,
        currency: order.currency,
        code,
        version: 0,
        issuedAt: now,
        admittedAt: null,
        admittedBy: null,
        revokedAt: null,
        replacedBy: null,
      });
      await enqueueEvent(tx, passIssuedEvent(pass, { correlationId: input.correlationId }));
      return { outcome: 'issued', pass, ...(revoked ? { revoked } : {}) };
    });
    if (result.outcome === 'issued') {
      deps.metrics.issued.inc();
      if (result.revoked) deps.metrics.revoked.inc();
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
