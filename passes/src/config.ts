import { env, loadConfig } from '@ticketing/common';
import { z } from 'zod';
import { parsePrivateKey, parsePublicKeys } from './signing/pass-keys';

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
     * The Ed25519 private key that signs pass codes, PKCS#8 PEM. Required in production; elsewhere
     * unset means a key made for this process alone (its codes stop verifying when it restarts).
     */
    PASS_SIGNING_KEY: z
      .string()
      .optional()
      .superRefine((pem, context) => {
        if (pem === undefined) return;
        const problem = parsePrivateKey(pem).problem;
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    /**
     * Public keys (PEM, one or more blocks) of retired signing keys: still published in the JWK set
     * and still accepted at the door, so codes issued before a key rotation keep working.
     */
    PASS_VERIFY_KEYS: z
      .string()
      .optional()
      .superRefine((pems, context) => {
        if (pems === undefined) return;
        const problem = parsePublicKeys(pems).problem;
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
  })
  .superRefine((config, context) => {
    // A production pod with a throw-away key would issue codes no other replica (and no restart) verifies.
    if (config.NODE_ENV === 'production' && !config.PASS_SIGNING_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['PASS_SIGNING_KEY'],
        message: 'production signs passes with a kept key: set an Ed25519 private key (PKCS#8 PEM)',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Parsed once at start-up; a missing JWT_KEY (or PASS_SIGNING_KEY in production) stops the process naming it. */
export const loadPassesConfig = (source: NodeJS.ProcessEnv = process.env): Readonly<Config> =>
  loadConfig(configSchema, source);
