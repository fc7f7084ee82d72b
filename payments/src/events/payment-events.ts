import {
  type ClaimOutcome,
  type CreateEventOptions,
  type CurrencyCode,
  createEvent,
  type Event,
  Subjects,
} from '@ticketing/common';
import type { ClaimRow, PayoutRow } from '../db/schema';

export function paymentCreatedEvent(
  payment: { id: string; orderId: string; stripeId: string },
  options: Pick<CreateEventOptions, 'correlationId'> = {},
): Event {
  return createEvent(
    Subjects.PaymentCreated,
    { id: payment.id, orderId: payment.orderId, stripeId: payment.stripeId },
    options,
  );
}

/** The sale `payout` stands for is taken back: `paymentId`, which paid for it, is refunded. */
export function paymentRefundedEvent(
  paymentId: string,
  payout: Pick<PayoutRow, 'orderId' | 'ticketId' | 'refundedAt'>,
): Event {
  return createEvent(Subjects.PaymentRefunded, {
    id: paymentId,
    orderId: payout.orderId,
    ticketId: payout.ticketId,
    refundedAt: (payout.refundedAt ?? new Date()).toISOString(),
  });
}

export function payoutPaidEvent(
  payout: Pick<
    PayoutRow,
    'id' | 'version' | 'orderId' | 'sellerId' | 'amountCents' | 'currency' | 'transferId' | 'paidAt'
  >,
): Event {
  return createEvent(Subjects.PayoutPaid, {
    id: payout.id,
    version: payout.version,
    orderId: payout.orderId,
    sellerId: payout.sellerId,
    amount: payout.amountCents,
    currency: payout.currency as CurrencyCode,
    transferId: payout.transferId!,
    paidAt: payout.paidAt!.toISOString(),
  });
}

type PayoutFields = Pick<PayoutRow, 'id' | 'version' | 'orderId' | 'sellerId' | 'amountCents' | 'currency'>;

export function payoutCancelledEvent(payout: PayoutFields & Pick<PayoutRow, 'cancelledAt'>): Event {
  return createEvent(Subjects.PayoutCancelled, {
    id: payout.id,
    version: payout.version,
    orderId: payout.orderId,
    sellerId: payout.sellerId,
    amount: payout.amountCents,
    currency: payout.currency as CurrencyCode,
    cancelledAt: (payout.cancelledAt ?? new Date()).toISOString(),
  });
}

export function payoutReversedEvent(payout: PayoutFields & Pick<PayoutRow, 'reversalId' | 'reversedAt'>): Event {
  return createEvent(Subjects.PayoutReversed, {
    id: payout.id,
    version: payout.version,
    orderId: payout.orderId,
    sellerId: payout.sellerId,
    amount: payout.amountCents,
    currency: payout.currency as CurrencyCode,
    reversalId: payout.reversalId!,
    reversedAt: (payout.reversedAt ?? new Date()).toISOString(),
  });
}

export function claimOpenedEvent(claim: Pick<ClaimRow, 'id' | 'version' | 'orderId' | 'buyerId' | 'openedAt'>): Event {
  return createEvent(Subjects.ClaimOpened, {
    id: claim.id,
    version: claim.version,
    orderId: claim.orderId,
    buyerId: claim.buyerId,
    openedAt: claim.openedAt.toISOString(),
  });
}

export function claimResolvedEvent(claim: ClaimRow): Event {
  return createEvent(Subjects.ClaimResolved, {
    id: claim.id,
    version: claim.version,
    orderId: claim.orderId,
    buyerId: claim.buyerId,
    outcome: claim.status as ClaimOutcome,
    reason: claim.reason,
    resolvedBy: claim.resolvedBy,
    resolvedAt: (claim.resolvedAt ?? new Date()).toISOString(),
  });
}
