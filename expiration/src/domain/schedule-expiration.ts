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
  { queue, metrics, logger, retry }: ScheduleExpirationDeps,
  { orderId, expiresAt, correlationId }: ExpirationRequest,
  now: number = Date.now(),
): Promise<ScheduleResult> {
  const delayMs = Math.max(0, Date.parse(expiresAt) - now);
  const scheduleId = randomUUID();
  await queue.add(
    EXPIRE_ORDER_JOB,
    { orderId, expiresAt, correlationId, scheduleId },
    { ...expirationJobOptions(orderId, delayMs, retry), timestamp: now },
  );
  // add() answers the same way whether it stored the job or found one: only the stored job's
  // scheduleId tells which.
  const stored = await queue.getJob(orderId);
  const created = stored?.data.scheduleId === scheduleId;
  const about = { orderId, jobId: orderId, correlationId };
  if (created) {
    metrics.scheduled.inc();
    logger.info({ ...about, delayMs, expiresAt }, 'order expiration scheduled');
  } else {
    metrics.duplicates.inc();
    logger.info(about, 'order expiration already scheduled; duplicate ignored');
  }
  return { jobId: orderId, delayMs, created };
}
