import { env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

export const configSchema = z.object({
  NODE_ENV: env.nodeEnv,
  PORT: env.port(3000),
  HOST: env.host,
  TRUST_PROXY: env.trustProxy,
  LOG_LEVEL: env.logLevel,
  JWT_KEY: env.jwtKey,
  JWT_TTL_SECONDS: env.positiveInt(24 * 60 * 60),
  DATABASE_URL: env.databaseUrl,
  NATS_URL: env.natsUrl,
  NATS_USER: env.natsUser,
  NATS_PASSWORD: env.natsPassword,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  EVENT_RETENTION_DAYS: env.eventRetentionDays,
  STREAM_MAX_BYTES: env.streamMaxBytes,
  /** Redis, where the rate limits are counted for every replica at once. */
  REDIS_URL: env.redisUrl,
  /** Failed sign-ins per IP per 15 minutes. */
  RATE_LIMIT_SIGNIN: env.positiveInt(10),
  /** Failed sign-ins per account (e-mail) per 15 minutes, whichever IPs they come from. */
  RATE_LIMIT_SIGNIN_ACCOUNT: env.positiveInt(10),
  /** Sign-in attempts, failed or not, per IP per 15 minutes: each one costs a scrypt. */
  RATE_LIMIT_SIGNIN_IP: env.positiveInt(100),
  /** Sign-ups per IP per 15 minutes. */
  RATE_LIMIT_SIGNUP: env.positiveInt(100),
});

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; a missing JWT_KEY stops the process with a sentence naming it. */
export const loadAuthConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
