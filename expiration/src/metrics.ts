import type { Redis } from 'ioredis';
// prom-client is declared by @ticketing/common (whose registry these join), not by this package.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExpirationQueue } from './queue/expiration-queue';

/** The service's own metrics, created before the app and registered into its registry. */
export interface ExpirationMetrics {
  /** Jobs created by order.created (a duplicate event creates none). */
  scheduled: Counter;
  /** order.created events that found their order's job already there. */
  duplicates: Counter;
  /** expiration.complete events appended to the stream (a deduplicated re-publish not counted). */
  fired: Counter;
  /** Failed publish attempts (each one retried with backoff until the attempts run out). */
  failedAttempts: Counter;
  /** Jobs in the queue by state, read from Redis at each scrape. */
  queueJobs: Gauge<'state'>;
  /** Jobs that wait to fire (delayed + waiting): the ExpirationQueueDepth alert's metric. */
  queueDepth: Gauge;
}

const GAUGED_STATES = ['delayed', 'waiting', 'active', 'failed'] as const;

export function createExpirationMetrics({ queue, redis }: { queue: ExpirationQueue; redis: Redis }): ExpirationMetrics {
  return {
    scheduled: new Counter({
      name: 'expiration_jobs_scheduled_total',
      help: 'Expiration jobs created for new orders',
      registers: [],
    }),
    duplicates: new Counter({
      name: 'expiration_jobs_duplicate_total',
      help: 'order.created events whose expiration job already existed',
      registers: [],
    }),
    fired: new Counter({
      name: 'expiration_jobs_fired_total',
      help: 'expiration.complete events published',
      registers: [],
    }),
    failedAttempts: new Counter({
      name: 'expiration_job_failed_attempts_total',
      help: 'Expiration job attempts that failed (retried with backoff)',
      registers: [],
    }),
    queueJobs: new Gauge({
      name: 'expiration_queue_jobs',
      help: 'Jobs in the order-expiration queue, by state',
      labelNames: ['state'],
      registers: [],
      async collect() {
        // While Redis is away the scrape answers at once with the last known counts.
        if (redis.status !== 'ready') return;
        const counts = await queue.getJobCounts(...GAUGED_STATES).catch(() => undefined);
        if (!counts) return;
        for (const state of GAUGED_STATES) this.set({ state }, counts[state] ?? 0);
      },
    }),
    queueDepth: new Gauge({
      name: 'ticketing_expiration_queue_depth',
      help: 'Expiration jobs waiting to fire (delayed and waiting)',
      registers: [],
      async collect() {
        if (redis.status !== 'ready') return;
        const counts = await queue.getJobCounts('delayed', 'waiting').catch(() => undefined);
        if (counts) this.set((counts.delayed ?? 0) + (counts.waiting ?? 0));
      },
    }),
  };
}

export function registerExpirationMetrics(registry: Registry, metrics: ExpirationMetrics): void {
  for (const metric of Object.values(metrics)) registry.registerMetric(metric);
}
