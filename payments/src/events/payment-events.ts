import { type CreateEventOptions, createEvent, type Event, Subjects } from '@ticketing/common';

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
