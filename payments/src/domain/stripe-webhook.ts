import { z } from 'zod';
import {
  countFailedAttempts,
  findPaymentByStripeId,
  findUnansweredPayment,
  transitionPayment,
} from '../db/payments.repository';
import { setPayoutAccountReadiness } from '../db/payout-accounts.repository';
import { settleRefundOfPayment } from '../db/refunds.repository';
import { type PaymentRow, PaymentStatus } from '../db/schema';
import { recordStripeEvent } from '../db/stripe-events.repository';
import { type StripeEvent, storableText } from '../gateway/stripe-webhooks';
import { completePayment, recordSecondCharge } from './complete-payment';
import type { PaymentsDeps } from './deps';
import { takeBackPayoutOfRefundedPayment } from './payout-refunds';

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

/** The part of a Charge the webhook reads (charge.refunded). */
const chargeSchema = z.object({ id: storableText, payment_intent: storableText });

/** The part of a connected Account the webhook reads (account.updated). */
const accountSchema = z.object({
  id: storableText,
  payouts_enabled: z.boolean().nullish(),
  capabilities: z.object({ transfers: z.string().nullish() }).nullish(),
});

export type WebhookOutcome =
  | 'completed'
  | 'already-settled'
  | 'order-cancelled'
  | 'second-charge-refunded'
  | 'failed'
  | 'duplicate-event'
  | 'unknown-payment'
  | 'refunded'
  | 'account-updated'
  | 'unknown-account'
  | 'ignored';

const HANDLED = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'account.updated',
]);

/**
 * Applies a verified Stripe event. payment_intent.succeeded completes the payment (once, however
 * it races the direct confirmation), payment_intent.payment_failed marks it failed, and
 * charge.refunded records the refund, and account.updated (a connected account's onboarding or
 * its capabilities changed) records whether a seller's payout account can receive transfers;
 * every other type is ignored. Each event id has one effect: a redelivery is recorded as a duplicate.
 */
export async function handleStripeEvent(deps: PaymentsDeps, event: StripeEvent): Promise<WebhookOutcome> {
  if (!HANDLED.has(event.type)) return 'ignored';
  if (event.type === 'charge.refunded') return onRefunded(deps, event);
  if (event.type === 'account.updated') return onAccountUpdated(deps, event);
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
  // The order was paid by another payment already: this money goes back.
  await recordSecondCharge(deps, payment, intent.id, (tx) => recordStripeEvent(tx, event));
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

/**
 * charge.refunded: the payment's money is back — through the refund worker (its intent is then
 * settled already) or by other means, such as the Stripe dashboard, which is recorded and logged.
 */
async function onRefunded(deps: PaymentsDeps, event: StripeEvent): Promise<WebhookOutcome> {
  const parsed = chargeSchema.safeParse(event.data.object);
  if (!parsed.success) return 'ignored';
  const stripeId = parsed.data.payment_intent;
  const payment = await findPaymentByStripeId(deps.db, stripeId);
  const outcome = await deps.relay.transaction(async (tx): Promise<WebhookOutcome> => {
    if (!(await recordStripeEvent(tx, event))) return 'duplicate-event';
    if (!payment) return 'unknown-payment';
    const refunded = await transitionPayment(
      tx,
      payment.id,
      [PaymentStatus.Succeeded, PaymentStatus.Pending, PaymentStatus.Errored, PaymentStatus.Failed],
      { status: PaymentStatus.Refunded },
    );
    const byWorker = await settleRefundOfPayment(tx, payment.id);
    // A refund made outside the platform (the dashboard) takes the seller's payout back too.
    if (refunded) await takeBackPayoutOfRefundedPayment(tx, payment, 'refunded at the gateway');
    if (refunded && !byWorker) {
      deps.logger.warn(
        { paymentId: payment.id, orderId: payment.orderId, stripeId },
        'payment refunded outside the platform',
      );
    }
    return refunded ? 'refunded' : 'already-settled';
  });
  deps.logger.info(
    { stripeEventId: event.id, type: event.type, stripeId, paymentId: payment?.id, outcome },
    'stripe webhook handled',
  );
  return outcome;
}

/**
 * account.updated: a seller who finished onboarding at Stripe is ready for their payouts even if
 * they never come back to My payouts (which also asks Stripe); an account that lost its transfers
 * capability is not, and the scheduler waits for it instead of having transfers refused.
 */
async function onAccountUpdated(deps: PaymentsDeps, event: StripeEvent): Promise<WebhookOutcome> {
  const parsed = accountSchema.safeParse(event.data.object);
  if (!parsed.success) return 'ignored';
  const account = parsed.data;
  const ready = account.capabilities?.transfers === 'active' && account.payouts_enabled === true;
  const outcome = await deps.db.transaction(async (tx): Promise<WebhookOutcome> => {
    if (!(await recordStripeEvent(tx, event))) return 'duplicate-event';
    return (await setPayoutAccountReadiness(tx, account.id, ready)) ? 'account-updated' : 'unknown-account';
  });
  deps.logger.info(
    { stripeEventId: event.id, type: event.type, accountId: account.id, ready, outcome },
    'stripe webhook handled',
  );
  return outcome;
}
