import { BadRequestError, expressPath, paymentsOperations, ServiceUnavailableError } from '@ticketing/common';
import { Router } from 'express';
import type { PaymentsDeps } from '../domain/deps';
import { handleStripeEvent } from '../domain/stripe-webhook';
import { parseStripeEvent, type WebhookVerifier } from '../gateway/stripe-webhooks';

/** Its body stays raw bytes (createServiceApp's rawBodyPaths): the signature covers them exactly. */
export const WEBHOOK_PATH = expressPath(paymentsOperations.receiveStripeEvent);

/**
 * POST /api/payments/webhook: Stripe's signed events. 503 when STRIPE_WEBHOOK_SECRET is not set,
 * 400 on a missing or bad signature, 400 on a signed payload that is not an event, 500 when the
 * event could not be recorded (Stripe redelivers), otherwise 200 `{ received: true }` — also for
 * the types this service ignores. The headers and the body are checked here, not by `validate`:
 * the signature must be verified over the raw bytes before the body is read.
 */
export function webhookRouter(deps: PaymentsDeps, verify: WebhookVerifier | undefined): Router {
  return Router().post(WEBHOOK_PATH, async (req, res) => {
    if (!verify) throw new ServiceUnavailableError('Webhook is not configured', 'WEBHOOK_NOT_CONFIGURED');
    const signature = req.get('stripe-signature');
    if (!signature) {
      throw new BadRequestError('Missing Stripe-Signature header', { code: 'WEBHOOK_SIGNATURE_MISSING' });
    }
    let payload: unknown;
    try {
      payload = verify(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), signature);
    } catch {
      throw new BadRequestError('Invalid Stripe signature', { code: 'WEBHOOK_SIGNATURE_INVALID' });
    }
    const event = parseStripeEvent(payload);
    if (!event) throw new BadRequestError('Malformed Stripe event', { code: 'WEBHOOK_EVENT_MALFORMED' });
    // Applying an event touches only the database (refunds are the refund worker's): no gateway error reaches here.
    await handleStripeEvent(deps, event);
    res.status(200).json({ received: true });
  });
}
