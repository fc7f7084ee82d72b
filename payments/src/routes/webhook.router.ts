import { BadRequestError, ServiceUnavailableError } from '@ticketing/common';
import { Router } from 'express';
import type { PaymentsDeps } from '../domain/deps';
import { gatewayHttpError } from '../domain/gateway-http-errors';
import { handleStripeEvent } from '../domain/stripe-webhook';
import { parseStripeEvent, type WebhookVerifier } from '../gateway/stripe-webhooks';

export const WEBHOOK_PATH = '/api/payments/webhook';

/**
 * POST /api/payments/webhook: Stripe's signed events. 400 on a missing or bad signature, 503 when
 * STRIPE_WEBHOOK_SECRET is not set, 400 on a signed payload that is not an event, 5xx when the
 * event could not be applied (Stripe redelivers),
 * otherwise 200 `{ received: true }` — also for the types this service ignores.
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
    try {
      await handleStripeEvent(deps, event);
    } catch (error) {
      throw gatewayHttpError(error, 'refund');
    }
    res.status(200).json({ received: true });
  });
}
