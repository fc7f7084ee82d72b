import type { Request, RequestHandler } from 'express';
import {
  type ClientRateLimitInfo,
  type IncrementResponse,
  ipKeyGenerator,
  MemoryStore,
  type Options,
  rateLimit,
  type Store,
} from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { RedisStore } from 'rate-limit-redis';
import type { CustomError } from '../errors';
import { createRedisConnection } from '../redis';

/** What every rate limiter of one app shares. */
export interface RateLimitContext {
  /** The service's name: the first part of every Redis key, so services never share a budget by accident. */
  service: string;
  /**
   * Where the counts live, shared by every replica of the service. Without it each process counts
   * on its own (tests, a process run alone): the budget is then per process.
   */
  redis?: Redis;
  logger: Logger;
  /** The app's registry (`app.locals.metrics.registry`), for the limiters' metrics. */
  registry: Registry;
}

export interface RateLimiterOptions {
  /** Unique within the service, e.g. `signin-ip`: part of the Redis keys and the `limiter` label. */
  name: string;
  windowMs: number;
  /** Requests allowed per key per window; the next one is refused. */
  limit: number;
  /**
   * What the budget is counted per; the client's IP (its /56 for IPv6) when absent. A request
   * whose key is `undefined` is not counted (invalid input that validation refuses anyway).
   */
  key?: (req: Request) => string | undefined;
  /** Counts only requests answered with a status of 400 or more (failed sign-ins). */
  onlyFailures?: boolean;
  /** The error a refused request answers with, given the seconds until the budget refills. */
  refuse: (retryAfterSeconds: number) => CustomError;
}

/** How long a rate limiter waits for Redis before it counts in memory instead. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 250;

/**
 * The Redis connection for a service's rate limiters: a command never waits for a reconnection
 * (no offline queue, no retries) and fails after {@link RATE_LIMIT_REDIS_TIMEOUT_MS}, so Redis
 * never holds up a request; the connection itself reconnects forever in the background.
 */
export function createRateLimitRedis({
  url,
  service,
  logger,
}: {
  url: string;
  service: string;
  logger: Logger;
}): Redis {
  return createRedisConnection({
    url,
    name: `${service}-rate-limit`,
    logger,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeoutMs: RATE_LIMIT_REDIS_TIMEOUT_MS,
  });
}

/** The limiters' metrics, created once per registry. */
interface RateLimitMetrics {
  rejected: Counter<'limiter'>;
  fallback: Counter<'limiter'>;
}

const metricsByRegistry = new WeakMap<Registry, RateLimitMetrics>();

function rateLimitMetrics(registry: Registry): RateLimitMetrics {
  let metrics = metricsByRegistry.get(registry);
  if (!metrics) {
    metrics = {
      rejected: new Counter({
        name: 'ticketing_rate_limit_rejected_total',
        help: 'Requests refused with 429 by a rate limiter',
        labelNames: ['limiter'],
        registers: [registry],
      }),
      fallback: new Counter({
        name: 'ticketing_rate_limit_fallback_total',
        help: 'Requests a rate limiter counted in process memory because Redis did not answer',
        labelNames: ['limiter'],
        registers: [registry],
      }),
    };
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

/**
 * An express-rate-limit middleware whose counts live in Redis (rate-limit-redis), so that N
 * replicas share one budget instead of N. A refused request goes to the error handler as
 * `refuse(retryAfterSeconds)` with `Retry-After` and the IETF `RateLimit` headers set.
 *
 * When Redis does not answer (down, unreachable, or slower than the connection's command
 * timeout) the request is counted in this process's memory instead: the limit still holds, per
 * replica, and the caller never sees a 5xx or waits for Redis. The first such request of an
 * outage logs a warning, each one increments `ticketing_rate_limit_fallback_total`, and the
 * first request that reaches Redis again logs the recovery.
 */
export function createRateLimiter(context: RateLimitContext, options: RateLimiterOptions): RequestHandler {
  const metrics = rateLimitMetrics(context.registry);
  const limiter = options.name;
  const store = context.redis
    ? new RedisWithFallbackStore({
        redis: context.redis,
        prefix: `rl:${context.service}:${limiter}:`,
        logger: context.logger.child({ limiter }),
        onFallback: () => metrics.fallback.inc({ limiter }),
      })
    : new MemoryStore();
  const key = options.key;
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    store,
    identifier: limiter,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.onlyFailures ?? false,
    ...(key
      ? { keyGenerator: (req: Request) => key(req) ?? '', skip: (req: Request) => key(req) === undefined }
      : { keyGenerator: (req: Request) => ipKeyGenerator(req.ip ?? '') }),
    handler: (req, _res, next) => {
      metrics.rejected.inc({ limiter });
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : Math.ceil(options.windowMs / 1000);
      next(options.refuse(retryAfterSeconds));
    },
  });
}

/** `in 14 minutes`, `in 1 minute`, `in 30 seconds`: how long until a budget refills, for messages. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

interface RedisWithFallbackStoreOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  onFallback: () => void;
}

/**
 * rate-limit-redis's store, with this process's memory as a stand-in while Redis does not answer.
 *
 * rate-limit-redis loads its Lua scripts once, in `init`, and keeps the promise: a Redis that is
 * down at that moment would leave it failing forever. The scripts are therefore loaded lazily
 * and loaded again after a failure. (A Redis that restarts without its scripts answers NOSCRIPT,
 * which rate-limit-redis handles itself.)
 */
class RedisWithFallbackStore implements Store {
  /** The keys are shared with the other replicas (express-rate-limit's validations read this). */
  readonly localKeys = false;
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly shared: RedisStore;
  private readonly memory = new MemoryStore();
  private readonly logger: Logger;
  private readonly onFallback: () => void;
  private options: Options | undefined;
  private scripts: Promise<void> | undefined;
  private degraded = false;

  constructor({ redis, prefix, logger, onFallback }: RedisWithFallbackStoreOptions) {
    this.redis = redis;
    this.prefix = prefix;
    this.logger = logger;
    this.onFallback = onFallback;
    this.shared = new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<boolean | number | string | Array<boolean | number | string>>,
    });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.attempt(
      () => this.shared.get(key),
      () => this.memory.get(key),
    );
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.attempt(
      () => this.shared.increment(key),
      () => this.memory.increment(key),
    );
  }

  decrement(key: string): Promise<void> {
    return this.attempt(
      () => this.shared.decrement(key),
      () => this.memory.decrement(key),
    );
  }

  resetKey(key: string): Promise<void> {
    return this.attempt(
      () => this.shared.resetKey(key),
      () => this.memory.resetKey(key),
    );
  }

  private async attempt<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    // While disconnected the connection refuses commands at once (no offline queue), but the
    // status check also spares the error object and the script loading.
    if (this.redis.status === 'ready') {
      try {
        await this.loadScripts();
        const result = await shared();
        this.recovered();
        return result;
      } catch (error) {
        this.fellBack(error);
      }
    } else {
      this.fellBack(new Error(`Redis connection is ${this.redis.status}`));
    }
    return local();
  }

  private loadScripts(): Promise<void> {
    if (!this.scripts) {
      if (!this.options) throw new Error('rate limit store used before express-rate-limit initialised it');
      this.scripts = this.shared.init(this.options).catch((error: unknown) => {
        this.scripts = undefined;
        throw error;
      });
    }
    return this.scripts;
  }

  private fellBack(error: unknown): void {
    this.onFallback();
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      { err: error, store: this.prefix },
      'Redis did not answer the rate limiter; counting in this process until it is back (limits hold per replica)',
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.info({ store: this.prefix }, 'Redis answers the rate limiter again; limits are shared again');
  }
}
