import { randomUUID } from 'node:crypto';
import type { Logger } from '@ticketing/common';
import type { ExpirationMetrics } from '../metrics';
import {
  EXPIRE_ORDER_JOB,
  type ExpirationQueue,
  expirationJobOptions,
  type RetryPolicy,
} from '../queue/expiration-queue';

export interface ScheduleExpirationDeps {
  queue: ExpirationQueue;
  metrics: ExpirationMetrics;
  logger: Logger;
  /** How a job whose publish fails is retried (default: `DEFAULT_RETRY_POLICY`). */
  retry?: RetryPolicy;
}

export interface ExpirationRequest {
  orderId: string;
  /** ISO 8601, as order.created carries it. */
  expiresAt: string;
  correlationId: string;
}

export interface ScheduleResult {
  jobId: string;
  delayMs: number;
  /** False when the order already had a job (a duplicate or redelivered order.created). */
  created: boolean;
}

/**
 * Schedules the job that expires an order at its `expiresAt` (at once when that has passed).
 * Idempotent per order: the job id is the order id, and BullMQ ignores an add whose id exists —
 * whether the job is still delayed, already fired (kept a day), or failed (kept a week).
 */
export async function scheduleExpiration(
  deps: ScheduleExpirationDeps,
  request: ExpirationRequest,
  now: number = Date.now(),
): Promise<ScheduleResult> {
  const [result] = await scheduleExpirations(deps, [request], now);
  return result!;
}

/**
 * {@link scheduleExpiration} for several orders at once: their jobs are added together (one
 * MULTI, BullMQ's addBulk), then read back together. Results are in the order of `requests`.
 */
export async function scheduleExpirations(
  { queue, metrics, logger, retry }: ScheduleExpirationDeps,
  requests: readonly ExpirationRequest[],
  now: number = Date.now(),
): Promise<ScheduleResult[]> {
  const jobs = requests.map(({ orderId, expiresAt, correlationId }) => {
    const delayMs = Math.max(0, Date.parse(expiresAt) - now);
    return {
      name: EXPIRE_ORDER_JOB,
      data: { orderId, expiresAt, correlationId, scheduleId: randomUUID() },
      opts: { ...expirationJobOptions(orderId, delayMs, retry), timestamp: now },
    };
  });
  if (jobs.length === 1) await queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
  else await queue.addBulk(jobs);
  // add() answers the same way whether it stored the job or found one: only the stored job's
  // scheduleId tells which.
  const stored = await Promise.all(jobs.map(({ data }) => queue.getJob(data.orderId)));
  return jobs.map(({ data: { orderId, expiresAt, correlationId, scheduleId }, opts: { delay: delayMs = 0 } }, i) => {
    const created = stored[i]?.data.scheduleId === scheduleId;
    const about = { orderId, jobId: orderId, correlationId };
    if (created) {
      metrics.scheduled.inc();
      logger.info({ ...about, delayMs, expiresAt }, 'order expiration scheduled');
    } else {
      metrics.duplicates.inc();
      logger.info(about, 'order expiration already scheduled; duplicate ignored');
    }
    return { jobId: orderId, delayMs, created };
  });
}
