import type { Redis } from 'ioredis';
import type { Logger } from '../logging';

export interface RedisConnectionOptions {
  url: string;
  /** Shown by `CLIENT LIST` and on every log line, e.g. `expiration-queue`. */
  name: string;
  logger: Logger;
  /**
   * Reconnection attempts a command waits through before it fails. BullMQ workers need `null`
   * (wait forever); the queue connection uses a small number so scheduling fails fast during an
   * outage and the order.created event is redelivered instead of holding the listener.
   */
  maxRetriesPerRequest: number | null;
  /**
   * Whether commands sent while disconnected wait for the connection (ioredis's default). A
   * caller that must answer at once (a rate limiter) sets `false`: such a command then fails
   * immediately instead of waiting, and is never replayed after the reconnection.
   */
  enableOfflineQueue?: boolean;
  /** Fails a command that has no reply after this many milliseconds (a hung server); unset waits. */
  commandTimeoutMs?: number;
}

const FIRST_RETRY_DELAY_MS = 100;
/** Reconnect attempts back off to this cap, so recovery is quick once Redis is back. */
export const MAX_RETRY_DELAY_MS = 2_000;

/** Delay before reconnection attempt `attempt` (1, 2, …): exponential, capped; never gives up. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (Math.max(attempt, 1) - 1), MAX_RETRY_DELAY_MS);
}

/**
 * Opens an ioredis connection that reconnects forever with {@link reconnectDelayMs}, so a Redis
 * outage degrades the service (readiness 503) instead of crashing it. The first failure of an
 * outage is logged at warn and the recovery at info; the attempts in between at debug.
 */
export function createRedisConnection({
  url,
  name,
  logger,
  maxRetriesPerRequest,
  enableOfflineQueue = true,
  commandTimeoutMs,
}: RedisConnectionOptions): Redis {
  const log = logger.child({ redis: name });
  // Loaded on first use, so a service that opens no Redis connection never loads ioredis.
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    connectionName: name,
    maxRetriesPerRequest,
    enableOfflineQueue,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
    retryStrategy: reconnectDelayMs,
    // ioredis waits this long for a socket to close on disconnect, even one an outage already
    // closed; its 2 s default only keeps a stopping process alive for nothing.
    disconnectTimeout: 500,
  });
  let connected = false;
  let outage = false;
  const lose = (err?: unknown) => {
    if (outage || redis.status === 'end') return;
    outage = true;
    log.warn({ err }, 'Redis connection lost; reconnecting');
  };
  redis.on('ready', () => {
    if (outage) log.info('Redis connection restored');
    else if (!connected) log.info('connected to Redis');
    connected = true;
    outage = false;
  });
  redis.on('error', (err: Error) => {
    if (outage) log.debug({ err }, 'Redis still unreachable');
    else lose(err);
  });
  redis.on('reconnecting', (delayMs: number) => {
    lose();
    log.debug({ delayMs }, 'reconnecting to Redis');
  });
  return redis;
}

/** The Redis part of `/readyz`: fails at once while disconnected, otherwise a PING round trip. */
export function redisReadiness(redis: Redis): () => Promise<void> {
  return async () => {
    if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
    await redis.ping();
  };
}

/**
 * Closes a connection for shutdown: QUIT when connected (pending replies arrive first), otherwise
 * a plain disconnect, because QUIT would wait for a Redis that may never come back.
 */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    const ended = new Promise((resolve) => redis.once('end', resolve));
    await redis.quit();
    await ended;
    return;
  }
  redis.disconnect();
}
