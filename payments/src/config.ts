import { DEFAULT_SELLER_FEE_PERCENT, env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

export const configSchema = z
  .object({
    NODE_ENV: env.nodeEnv,
    PORT: env.port(3000),
    HOST: env.host,
    TRUST_PROXY: env.trustProxy,
    LOG_LEVEL: env.logLevel,
    JWT_KEY: env.jwtKey,
    NATS_URL: env.natsUrl,
    NATS_USER: env.natsUser,
    NATS_PASSWORD: env.natsPassword,
    NATS_STREAM_REPLICAS: env.natsStreamReplicas,
    EVENT_RETENTION_DAYS: env.eventRetentionDays,
    STREAM_MAX_BYTES: env.streamMaxBytes,
    GAP_HEAL_SECONDS: env.gapHealSeconds,
    DATABASE_URL: env.databaseUrl,
    /**
     * Stripe secret (or restricted) key. Unset → the offline sandbox gateway, where no money moves —
     * outside production only, unless PAYMENTS_SANDBOX says so.
     */
    STRIPE_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…, rk_…)')
      .optional(),
    /**
     * Signing secret of the webhook endpoint (`whsec_…`); required in production with STRIPE_KEY.
     * In the sandbox it is what the sandbox signs its own events with (`npm start` makes one;
     * unset, a random one per process).
     */
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
    /** Runs the sandbox in production on purpose (a demo deployment): the web app shows a banner. */
    PAYMENTS_SANDBOX: env.flag(false),
    /**
     * How long a payment of an order this service has not heard of yet waits for its order.created
     * before answering 404 (a buyer who pays right after reserving can be faster than the event).
     */
    ORDER_WAIT_MS: env.nonNegativeInt(5_000),
    /** Payments pending or errored for longer than this are settled with the gateway by the reconciler. */
    RECONCILE_AFTER_SECONDS: env.positiveInt(120),
    /** Pause between two reconciler runs; 0 turns the reconciler off. */
    RECONCILE_INTERVAL_SECONDS: env.nonNegativeInt(30),
    /** What the platform keeps of a ticket's price when paying its seller (percent, 0–50). */
    SELLER_FEE_PERCENT: env.feePercent(DEFAULT_SELLER_FEE_PERCENT),
    /**
     * How long after the event's start (or the sale, for a ticket of no event) a seller is paid.
     * Fractions are allowed (tests and demos hold for seconds: 0.001 is 3.6 s).
     */
    PAYOUT_HOLD_HOURS: z.coerce
      .number({ error: 'must be a number of hours' })
      .nonnegative('must be 0 or more hours')
      .max(24 * 365, 'must be at most a year (8760 hours)')
      .default(48),
    /** Pause between two sweeps of the payout scheduler; 0 turns it off (another replica pays). */
    PAYOUT_INTERVAL_SECONDS: env.nonNegativeInt(30),
    /** Transfers a payout may have refused before it is parked as `failed` for an operator. */
    PAYOUT_MAX_ATTEMPTS: env.positiveInt(5),
    /**
     * The accounts that decide buyers' claims (the operator page): their emails, comma-separated,
     * compared without case. Empty (the default): nobody is an operator.
     */
    OPERATOR_EMAILS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((email) => email.trim().toLowerCase())
          .filter((email) => email !== ''),
      )
      .pipe(z.array(z.email({ error: 'must be a comma-separated list of email addresses' }))),
    /**
     * How long a payout taken by one replica's scheduler is hidden from the others: longer than a
     * transfer can take; after a crash, another replica repeats the transfer (same key) after it.
     */
    PAYOUT_LEASE_SECONDS: env.positiveInt(300),
  })
  .superRefine((config, context) => {
    // Fail closed: a production pod whose Stripe secret went missing must not "charge" real
    // tickets with the sandbox's test cards.
    const production = config.NODE_ENV === 'production';
    if (production && !config.STRIPE_KEY && !config.PAYMENTS_SANDBOX) {
      context.addIssue({
        code: 'custom',
        path: ['STRIPE_KEY'],
        message: 'production takes real payments; set PAYMENTS_SANDBOX=true only for a deployment where no money moves',
      });
    }
    if (production && config.STRIPE_KEY && !config.STRIPE_WEBHOOK_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['STRIPE_WEBHOOK_SECRET'],
        message: 'with STRIPE_KEY in production, the webhook must verify what Stripe sends',
      });
    }
    if (config.STRIPE_KEY && config.PAYMENTS_SANDBOX) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENTS_SANDBOX'],
        message: 'STRIPE_KEY is set too: choose Stripe (unset PAYMENTS_SANDBOX) or the sandbox (unset STRIPE_KEY)',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Whether charges go to the offline sandbox gateway (no STRIPE_KEY). */
export const isSandbox = (config: Pick<Config, 'STRIPE_KEY'>): boolean => !config.STRIPE_KEY;

/** Parsed once at start-up; a missing JWT_KEY stops the process with a sentence naming it. */
export const loadPaymentsConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
