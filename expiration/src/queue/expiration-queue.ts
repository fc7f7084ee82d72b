import type { Logger } from '@ticketing/common';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** The BullMQ queue of order expirations: one delayed job per order, its id the order's id. */
export const EXPIRATION_QUEUE = 'order-expiration';
export const EXPIRE_ORDER_JOB = 'expire-order';

export const expirationJobDataSchema = z.object({
  orderId: z.uuid(),
  expiresAt: z.iso.datetime({ offset: true }),
  /** Of the order.created event, carried on to expiration.complete. */
  correlationId: z.string().min(1).max(200),
  /** Random per scheduling attempt: tells the attempt that created the job from later duplicates. */
  scheduleId: z.uuid(),
});

export type ExpirationJobData = z.infer<typeof expirationJobDataSchema>;
export type ExpirationQueue = Queue<ExpirationJobData>;

/** How a job whose publish fails is retried: `attempts` tries, waits of `backoffDelayMs · 2ⁿ`. */
export interface RetryPolicy {
  attempts: number;
  backoffDelayMs: number;
}

/** 12 tries over about 68 minutes (1 s, 2 s, … 34 min); then the job stays in the failed set. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 12, backoffDelayMs: 1_000 };

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Options of an order's expiration job. A completed job is kept for a day so that a redelivered
 * order.created in that time still finds it (BullMQ ignores an add whose jobId exists) instead
 * of expiring the order a second time; a failed one is kept a week for inspection.
 */
export function expirationJobOptions(
  orderId: string,
  delayMs: number,
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): JobsOptions {
  return {
    jobId: orderId,
    delay: delayMs,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffDelayMs },
    removeOnComplete: { age: DAY_SECONDS },
    removeOnFail: { age: 7 * DAY_SECONDS },
  };
}

/** The queue on a shared connection (closing the queue leaves the connection open). */
export function createExpirationQueue(connection: Redis, logger: Logger): ExpirationQueue {
  const queue: ExpirationQueue = new Queue(EXPIRATION_QUEUE, { connection });
  // Connection errors are logged once per outage by the connection itself.
  queue.on('error', (err) => logger.debug({ err, queue: EXPIRATION_QUEUE }, 'queue error'));
  return queue;
}
