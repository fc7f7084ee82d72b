import { stripeEventJson } from '@ticketing/common';
import Stripe from 'stripe';
import { z } from 'zod';

/** A Stripe event as the webhook receives it, reduced to what the service reads. */
export interface StripeEvent {
  id: string;
  type: string;
  data: { object: unknown };
}

/** Text PostgreSQL can store: a NUL character would make the insert fail (a 500 instead of a 400). */
export const storableText = z
  .string()
  .min(1)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/**
 * The event in a verified payload, or undefined when the payload is not shaped like one (a JSON
 * `null`, no `data`, a non-string id): a signature proves who sent it, not that it is well formed.
 * The envelope's schema is the webhook's documented body; `id` and `type` are stored when the
 * event is recorded.
 */
export function parseStripeEvent(payload: unknown): StripeEvent | undefined {
  const parsed = stripeEventJson.safeParse(payload);
  return parsed.success ? (parsed.data as StripeEvent) : undefined;
}

/** Checks the `Stripe-Signature` header over the exact request bytes; throws when it does not match. */
export type WebhookVerifier = (payload: Buffer, signature: string) => unknown;

/** Verification needs no API key and makes no request: the SDK's static webhooks helper suffices. */
export function createWebhookVerifier(secret: string): WebhookVerifier {
  return (payload, signature) => Stripe.webhooks.constructEvent(payload, signature, secret);
}
