import { type Logger, MAX_RETRY_DELAY_MS, type Publisher } from '@ticketing/common';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { completeExpiration } from '../domain/complete-expiration';
import type { ExpirationMetrics } from '../metrics';
import { EXPIRATION_QUEUE, type ExpirationJobData, expirationJobDataSchema } from './expiration-queue';

export interface ExpirationWorkerDeps {
  /** Needs `maxRetriesPerRequest: null`; BullMQ duplicates it for its blocking connection. */
  connection: Redis;
  publish: Publisher;
  metrics: ExpirationMetrics;
  logger: Logger;
  /** Jobs processed at once (default 10: a publish is mostly waiting on the network). */
  concurrency?: number;
}

/**
 * How long a running job's lock lasts without renewal (renewed every half of it while the job
 * runs), and how often the worker looks for jobs whose lock lapsed. A job runs for milliseconds
 * (one publish), so a lapsed lock means the worker running it died: its next check hands the job
 * to a live worker. With BullMQ's defaults (30 s each) a timer cut short by a crash fired again
 * 30–90 s late; with these, within about 10 s.
 */
export const JOB_LOCK_MS = 5_000;
export const STALLED_CHECK_INTERVAL_MS = 2_500;

/**
 * The entry point of a due job: checks its data, then publishes expiration.complete. A failed
 * publish throws, and BullMQ retries the job with the backoff it was added with.
 */
export function createExpirationWorker({
  connection,
  publish,
  metrics,
  logger,
  concurrency = 10,
}: ExpirationWorkerDeps): Worker<ExpirationJobData> {
  const log = logger.child({ queue: EXPIRATION_QUEUE });
  const worker = new Worker<ExpirationJobData>(
    EXPIRATION_QUEUE,
    async (job) => {
      const parsed = expirationJobDataSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`job data is malformed: ${parsed.error.message}`);
      await completeExpiration({ publish, metrics, logger: log }, parsed.data);
    },
    // BullMQ waits runRetryDelay (default 15 s) after a connection error; match the reconnect cap.
    {
      connection,
      concurrency,
      runRetryDelay: MAX_RETRY_DELAY_MS,
      lockDuration: JOB_LOCK_MS,
      stalledInterval: STALLED_CHECK_INTERVAL_MS,
    },
  );
  worker.on('failed', (job, err) => {
    metrics.failedAttempts.inc();
    const attempts = job?.opts.attempts ?? 1;
    const attemptsMade = job?.attemptsMade ?? attempts;
    const about = { err, jobId: job?.id, orderId: job?.data.orderId, attemptsMade, attempts };
    if (attemptsMade >= attempts || err instanceof UnrecoverableError) {
      log.error(about, 'order expiration failed; giving up (the orders sweep expires the order)');
    } else {
      log.warn(about, 'order expiration failed; retrying with backoff');
    }
  });
  // Connection errors are logged once per outage by the connection itself.
  worker.on('error', (err) => log.debug({ err }, 'worker error'));
  return worker;
}

/**
 * Stops the worker at shutdown. With Redis reachable it lets the jobs in progress finish; during
 * an outage it closes at once, because a graceful close waits on Redis commands that never
 * return. A job cut short that way is picked up again by the stalled-job check of the next
 * worker, and its deterministic event id keeps the re-publish from doubling the event.
 */
export async function closeExpirationWorker(worker: Worker<ExpirationJobData>, connection: Redis): Promise<void> {
  await worker.close(connection.status !== 'ready');
}
