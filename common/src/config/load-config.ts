import { z } from 'zod';
import { trustProxyProblem } from '../http/trust-proxy';
import { CURRENCY_CODES, type CurrencyCode, DEFAULT_CURRENCY, isSupportedCurrency } from '../money/currencies';
import { FEE_PERCENT_MAX } from '../money/fees';

/** Raised by {@link parseConfig}; its message names every variable that is missing or invalid. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `env` with `schema`; throws a {@link ConfigError} that names each bad variable. A
 * variable set to the empty string counts as unset, so `FOO= npm start` falls back to the default.
 */
export function parseConfig<T extends z.ZodObject>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<T>> {
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = env[name];
      return value === undefined || value === ''
        ? `${name} is required but not set (${issue.message}).`
        : `${name} is invalid: ${issue.message}.`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}

/**
 * Parses the environment once at start-up. On a missing or invalid variable it prints a
 * sentence naming it and stops the process with exit code 1, before anything else starts.
 */
export function loadConfig<T extends z.ZodObject>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<T>> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return process.exit(1);
    }
    throw error;
  }
}

/** The shortest `JWT_KEY` a service accepts, in bytes. */
export const MIN_JWT_KEY_BYTES = 32;

/** Reusable variable definitions, so every service spells and validates them the same way. */
export const env = {
  nodeEnv: z.enum(['development', 'production', 'test']).default('development'),
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  /** The address the HTTP server listens on: this machine only unless told otherwise (the images and manifests say 0.0.0.0). */
  host: z.string().min(1).default('127.0.0.1'),
  /** Proxies whose X-Forwarded-* headers are believed (addresses, CIDR blocks, loopback, linklocal, uniquelocal). */
  trustProxy: z
    .string()
    .default('loopback')
    .superRefine((value, context) => {
      const problem = trustProxyProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `JWT_KEY`, the HMAC key of the session tokens: at least {@link MIN_JWT_KEY_BYTES} bytes of
   * UTF-8 (HS256's own output size; RFC 7518 §3.2), so a guessed or dictionary key cannot forge a session.
   */
  jwtKey: z
    .string({ error: 'set it to the secret that signs session tokens' })
    .refine(
      (key) => Buffer.byteLength(key, 'utf8') >= MIN_JWT_KEY_BYTES,
      `must be at least ${MIN_JWT_KEY_BYTES} bytes (e.g. openssl rand -hex 32)`,
    ),
  natsUrl: z.string().min(1).default('nats://127.0.0.1:4222'),
  /**
   * The service's own NATS user and its password (npm start makes one per service; the cluster's
   * passwords come from the nats-users Secret). With a password, the user defaults to the service's name.
   */
  natsUser: z.string().min(1).optional(),
  natsPassword: z.string().min(1).optional(),
  /** Copies JetStream keeps of the stream: 1 on one server, 3 on the production cluster. */
  natsStreamReplicas: z.coerce.number().int().min(1).max(5).default(1),
  /** Days the event stream keeps an event (its `max_age`), and the bookkeeping that recognises it (default 30). */
  eventRetentionDays: z.coerce.number().positive().default(30),
  /**
   * Seconds a version gap in a replica lasts before a full-state event is applied over it (a
   * predecessor lost with a restored database never comes; default 60).
   */
  gapHealSeconds: z.coerce.number().positive().default(60),
  /** The event stream's safety limit in bytes: the oldest events go first beyond it (default 1 GiB). */
  streamMaxBytes: z.coerce
    .number()
    .int()
    .min(1_048_576)
    .default(1024 ** 3),
  /** The service's own PostgreSQL database; `npm start` passes one per service. */
  databaseUrl: z
    .string({ error: "set it to the postgres:// URL of the service's own database" })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  /**
   * Redis: expiration's queue, and the rate limits auth and orders share between replicas
   * (`npm start` starts one and passes its URL to every app).
   */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  /** A count or duration where 0 means "off" or "none". */
  nonNegativeInt: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  /** `true` or `false` (also `1` / `0`); anything else is an error rather than a guess. */
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1')
      .default(fallback),
  /**
   * `BUYER_FEE_PERCENT` / `SELLER_FEE_PERCENT`: a fee in percent of a ticket's price, from 0 to
   * {@link FEE_PERCENT_MAX}, with at most two decimals (7.5 is 7.5 %). orders, payments and the web
   * app read the same variables (the `fees-config` ConfigMap), so the price a buyer is shown is
   * the one charged.
   */
  feePercent: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a number of percent' })
      .min(0, 'must be at least 0')
      .max(FEE_PERCENT_MAX, `must be at most ${FEE_PERCENT_MAX}`)
      .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, 'must have at most two decimals')
      .default(fallback),
  /**
   * `PAYMENT_CURRENCY`: the one currency of listings, orders and charges. tickets, orders and
   * payments all read it, so they agree; any case is accepted and lower-cased (`EUR` → `eur`),
   * and a currency outside {@link CURRENCY_CODES} stops the service at start-up.
   */
  paymentCurrency: z
    .string()
    .transform((value, ctx): CurrencyCode => {
      const code = value.trim().toLowerCase();
      if (isSupportedCurrency(code)) return code;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `${value} is not a supported currency; use one of ${CURRENCY_CODES.join(', ')}`,
      });
      return z.NEVER;
    })
    .default(DEFAULT_CURRENCY),
};
