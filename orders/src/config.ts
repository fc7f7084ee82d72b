import { DEFAULT_BUYER_FEE_PERCENT, env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

/** An empty variable counts as unset, so `SWEEP_INTERVAL_SECONDS=` does not silently mean 0 (disabled). */
const nonNegativeInt = (fallback: number) =>
  z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).default(fallback));

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
  GAP_HEAL_SECONDS: env.gapHealSeconds,
  DATABASE_URL: env.databaseUrl,
  /** How long a reservation holds its ticket before it expires. */
  EXPIRATION_WINDOW_SECONDS: env.positiveInt(15 * 60),
  /** How often overdue reservations are cancelled in the database; 0 turns the sweep off. */
  SWEEP_INTERVAL_SECONDS: nonNegativeInt(5),
  /** Reservations one buyer may hold at once. */
  MAX_ACTIVE_RESERVATIONS: env.positiveInt(5),
  /** How long a buyer who let a reservation expire waits to reserve that ticket again; 0 turns it off. */
  RESERVATION_COOLDOWN_SECONDS: nonNegativeInt(300),
  /** Reservation requests (POST /api/orders) one buyer may send per minute. */
  RATE_LIMIT_ORDERS: env.positiveInt(30),
  /** Redis, where the request limit is counted for every replica at once. */
  REDIS_URL: env.redisUrl,
  /** The currency of every price; tickets and payments read the same variable. */
  PAYMENT_CURRENCY: env.paymentCurrency,
  /** The buyer fee, in percent of the ticket's price, stored on each order at reservation (0–50). */
  BUYER_FEE_PERCENT: env.feePercent(DEFAULT_BUYER_FEE_PERCENT),
});

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; a missing JWT_KEY stops the process with a sentence naming it. */
export const loadOrdersConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
