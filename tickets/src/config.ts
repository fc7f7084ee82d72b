import { DEFAULT_RESALE_PRICE_CAP_PERCENT, env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

export const configSchema = z.object({
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
  /** How long a version gap in the passes replica lasts before a newer pass event is applied over it. */
  GAP_HEAL_SECONDS: env.gapHealSeconds,
  DATABASE_URL: env.databaseUrl,
  /** The currency listings are priced in; orders and payments read the same variable. */
  PAYMENT_CURRENCY: env.paymentCurrency,
  /** The highest resale price (secure swap), in percent of what the pass's holder paid. */
  RESALE_PRICE_CAP_PERCENT: z.coerce
    .number()
    .int('must be a whole number of percent')
    .min(100, 'must be at least 100 (a resale may ask what was paid)')
    .max(1000, 'must be at most 1000')
    .default(DEFAULT_RESALE_PRICE_CAP_PERCENT),
});

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; a missing JWT_KEY stops the process with a sentence naming it. */
export const loadTicketsConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
