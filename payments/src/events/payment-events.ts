import { type CreateEventOptions, type CurrencyCode, createEvent, type Event, Subjects } from '@ticketing/common';
import type { PayoutRow } from '../db/schema';

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
