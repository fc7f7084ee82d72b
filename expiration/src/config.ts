import { env, loadConfig } from '@ticketing/common';
import { z } from 'zod';

export const configSchema = z.object({
  NODE_ENV: env.nodeEnv,
  PORT: env.port(3000),
  HOST: env.host,
  TRUST_PROXY: env.trustProxy,
  LOG_LEVEL: env.logLevel,
  NATS_URL: env.natsUrl,
  NATS_USER: env.natsUser,
  NATS_PASSWORD: env.natsPassword,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  EVENT_RETENTION_DAYS: env.eventRetentionDays,
  STREAM_MAX_BYTES: env.streamMaxBytes,
  REDIS_URL: env.redisUrl,
});

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; an invalid variable stops the process with a sentence naming it. */
export const loadExpirationConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
