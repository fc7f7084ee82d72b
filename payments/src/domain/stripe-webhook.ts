import { z } from 'zod';
import {
  countFailedAttempts,
  findPaymentByStripeId,
  findUnansweredPayment,
  transitionPayment,
} from '../db/payments.repository';
import { type PaymentRow, PaymentStatus } from '../db/schema';
import { recordStripeEvent } from '../db/stripe-events.repository';
import { type StripeEvent, storableText } from '../gateway/stripe-webhooks';
import { completePayment } from './complete-payment';
import type { PaymentsDeps } from './deps';
import { refundPayment, refundPaymentsOfCancelledOrder } from './refunds';

/** The part of a PaymentIntent the webhook reads. */
const paymentIntentSchema = z.object({
  id: storableText,
  metadata: z.record(z.string(), z.string()).nullish(),
  // Stored as the failure message: NULs (which PostgreSQL cannot store) are dropped.
  last_payment_error: z
    .object({
      message: z
        .string()
        .transform((m) => m.replaceAll('\u0000', ''))
        .nullish(),
    })
    .nullish(),
});

type PaymentIntent = z.infer<typeof paymentIntentSchema>;

export type WebhookOutcome =
  | 'completed'
  | 'already-settled'
  | 'order-cancelled'
  | 'second-charge-refunded'
  | 'failed'
  | 'duplicate-event'
  | 'unknown-payment'
  | 'ignored';

/**
 * Applies a verified Stripe event. payment_intent.succeeded completes the payment (once, however
 * it races the direct confirmation) and payment_intent.payment_failed marks it failed; every other
 * type is ignored. Each event id has one effect: a redelivery is recorded as a duplicate.
 */
export async function handleStripeEvent(deps: PaymentsDeps, event: StripeEvent): Promise<WebhookOutcome> {
  if (event.type !== 'payment_intent.succeeded' && event.type !== 'payment_intent.payment_failed') return 'ignored';
  const parsed = paymentIntentSchema.safeParse(event.data.object);
  if (!parsed.success) {
    deps.logger.warn(
      { stripeEventId: event.id, type: event.type },
      'webhook event without a usable PaymentIntent ignored',
    );
    return 'ignored';
  }
  const intent = parsed.data;
  const payment = await findPaymentOf(deps, intent);
  const about = { stripeEventId: event.id, type: event.type, stripeId: intent.id, paymentId: payment?.id };
  let outcome: WebhookOutcome;
  if (!payment) {
    // Not one of ours (another integration on the account) or an order this replica never saw.
    await deps.db.transaction((tx) => recordStripeEvent(tx, event));
    outcome = 'unknown-payment';
  } else if (event.type === 'payment_intent.succeeded') {
    outcome = await onSucceeded(deps, event, intent, payment);
  } else {
    outcome = await onFailed(deps, event, intent, payment);
  }
  deps.logger.info({ ...about, outcome }, 'stripe webhook handled');
  // Also on a redelivery: a refund that failed the first time is retried with the same key.
  if (payment) await refundPaymentsOfCancelledOrder(deps, payment.orderId);
  return outcome;
}

/** The payment a PaymentIntent belongs to: by its id, else the order's payment still waiting for an answer. */
async function findPaymentOf(deps: PaymentsDeps, intent: PaymentIntent): Promise<PaymentRow | undefined> {
  const known = await findPaymentByStripeId(deps.db, intent.id);
  if (known) return known;
  const orderId = intent.metadata?.orderId;
  if (!orderId || !z.uuid().safeParse(orderId).success) return undefined;
  const unanswered = await findUnansweredPayment(deps.db, orderId);
  // Only the current attempt can be unanswered: earlier ones were refused and carry their id.
  if (!unanswered || unanswered.attempt !== (await countFailedAttempts(deps.db, orderId))) return undefined;
  return unanswered;
}

async function onSucceeded(
  deps: PaymentsDeps,
  event: StripeEvent,
  intent: PaymentIntent,
  payment: PaymentRow,
): Promise<WebhookOutcome> {
  const completion = await completePayment(deps, {
    payment,
    stripeId: intent.id,
    from: [PaymentStatus.Pending, PaymentStatus.Errored, PaymentStatus.Failed],
    correlationId: event.id,
    stripeEvent: event,
  });
  if (completion.outcome !== 'second-charge') return completion.outcome;
  // The order was paid by another payment already: give this money back, then remember the event.
  await refundPayment(deps, payment, intent.id, 'second charge of a paid order');
  await deps.db.transaction((tx) => recordStripeEvent(tx, event));
  return 'second-charge-refunded';
}

async function onFailed(
  deps: PaymentsDeps,
  event: StripeEvent,
  intent: PaymentIntent,
  payment: PaymentRow,
): Promise<WebhookOutcome> {
  return deps.db.transaction(async (tx) => {
    if (!(await recordStripeEvent(tx, event))) return 'duplicate-event';
    const failed = await transitionPayment(tx, payment.id, [PaymentStatus.Pending, PaymentStatus.Errored], {
      status: PaymentStatus.Failed,
      stripeId: intent.id,
      failureMessage: intent.last_payment_error?.message ?? 'payment_intent.payment_failed',
    });
    return failed ? 'failed' : 'already-settled';
  });
}
