import { env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

export const configSchema = z.object({
  NODE_ENV: env.nodeEnv,
  PORT: env.port(3000),
  LOG_LEVEL: env.logLevel,
  JWT_KEY: env.jwtKey,
  NATS_URL: env.natsUrl,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  DATABASE_URL: env.databaseUrl,
  /** Stripe secret (or restricted) key. Unset → the offline sandbox gateway: no money moves. */
  STRIPE_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…, rk_…)')
    .optional(),
  /** Signing secret of the webhook endpoint (`whsec_…`). Unset → the webhook answers 503. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\S+$/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  /** Where the Stripe SDK sends requests instead of api.stripe.com (a local stand-in, a proxy). */
  STRIPE_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Currency of every charge, one of common's supported currencies; tickets and orders read the same variable. */
  PAYMENT_CURRENCY: env.paymentCurrency,
  /** Time-out of one request to the payment gateway. */
  GATEWAY_TIMEOUT_MS: env.positiveInt(10_000),
});

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; a missing JWT_KEY stops the process with a sentence naming it. */
export const loadPaymentsConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
