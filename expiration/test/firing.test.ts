import { randomUUID } from 'node:crypto';
import { waitFor } from '@ticketing/common/testing';
import { completeExpiration, expirationEventId } from '../src/domain/complete-expiration';
import { scheduleExpiration } from '../src/domain/schedule-expiration';
import { EXPIRE_ORDER_JOB } from '../src/queue/expiration-queue';
import {
  counterValue,
  createExpirationTestBed,
  type ExpirationTestBed,
  type RunningService,
  waitForJob,
} from './harness';

let bed: ExpirationTestBed;
let service: RunningService;
beforeAll(async () => {
  bed = await createExpirationTestBed();
  service = await bed.startService({ retry: { attempts: 10, backoffDelayMs: 100 }, publishTimeoutMs: 500 });
});
afterAll(() => bed.close());

describe('the expiration job', () => {
  it('when it is due, then expiration.complete is published at expiresAt, not before, and exactly once', async () => {
    const event = await bed.publishOrderCreated({ expiresInMs: 1_000 });
    const orderId = event.data.id;
    await waitForJob(service, orderId, 'completed');

    const events = await bed.expirationEvents(orderId);
    expect(events).toHaveLength(1);
    expect(Date.parse(events[0]!.occurredAt)).toBeGreaterThanOrEqual(Date.parse(event.data.expiresAt));
    expect(events[0]).toMatchObject({ eventId: expirationEventId(orderId), correlationId: event.correlationId });
  });

  it('when the same expiration is published again (a retried job), then the stream keeps one event', async () => {
    const orderId = randomUUID();
    const deps = { publish: service.publish, metrics: service.metrics, logger: service.log.logger };
    const firedBefore = await counterValue(service.metrics.fired);

    const first = await completeExpiration(deps, { orderId, correlationId: 'corr-1' });
    const again = await completeExpiration(deps, { orderId, correlationId: 'corr-1' });

    expect(first).toEqual({ eventId: expirationEventId(orderId), duplicate: false });
    expect(again).toEqual({ eventId: expirationEventId(orderId), duplicate: true });
    expect(await bed.expirationEvents(orderId)).toHaveLength(1);
    expect(await counterValue(service.metrics.fired)).toBe(firedBefore + 1);
  });

  it('when its data is malformed, then it fails at once without retries and publishes nothing', async () => {
    const orderId = randomUUID();
    await service.queue.add(EXPIRE_ORDER_JOB, { orderId } as never, { jobId: orderId, attempts: 5 });

    const job = await waitForJob(service, orderId, 'failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/job data is malformed/);
    expect(await bed.expirationEvents(orderId)).toHaveLength(0);
    expect(service.log.has('order expiration failed; giving up (the orders sweep expires the order)')).toBe(true);
  });

  it('when NATS is down as it fires, then it is retried with backoff and published once NATS is back', async () => {
    const orderId = randomUUID();
    const failedBefore = await counterValue(service.metrics.failedAttempts);
    await bed.nats.halt();
    try {
      const expiresAt = new Date(Date.now() - 1_000).toISOString();
      await scheduleExpiration(service.scheduler, { orderId, expiresAt, correlationId: 'during-outage' });
      await waitFor(async () => (await counterValue(service.metrics.failedAttempts)) > failedBefore);
      expect(service.log.has('order expiration failed; retrying with backoff')).toBe(true);
    } finally {
      await bed.nats.resume();
    }

    const job = await waitForJob(service, orderId, 'completed');
    expect(job.attemptsMade).toBeGreaterThan(1);
    const events = await bed.expirationEvents(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventId: expirationEventId(orderId), correlationId: 'during-outage' });
  });
});
