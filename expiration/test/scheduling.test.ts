import { randomUUID } from 'node:crypto';
import { waitFor } from '@ticketing/common/testing';
import { expirationEventId } from '../src/domain/complete-expiration';
import { scheduleExpiration, scheduleExpirations } from '../src/domain/schedule-expiration';
import {
  counterValue,
  createExpirationTestBed,
  type ExpirationTestBed,
  jobsOfOrder,
  type RunningService,
  waitForJob,
} from './harness';

let bed: ExpirationTestBed;
let service: RunningService;
beforeAll(async () => {
  bed = await createExpirationTestBed();
  service = await bed.startService();
});
afterAll(() => bed.close());

/** order.created events the listener has handled so far: jobs created plus duplicates ignored. */
async function handledSoFar() {
  return (await counterValue(service.metrics.scheduled)) + (await counterValue(service.metrics.duplicates));
}

/** Waits until the listener has handled `n` more order.created events than `before`. */
async function handled(before: number, n = 1) {
  await waitFor(async () => (await handledSoFar()) >= before + n);
}

describe('order.created → delayed expiration job', () => {
  it('when an order is created, then one delayed job with the order id and a delay of expiresAt − now is added', async () => {
    const sentAt = Date.now();
    const event = await bed.publishOrderCreated({ expiresInMs: 60_000 });
    const orderId = event.data.id;

    const job = await waitFor(() => service.queue.getJob(orderId));
    expect(job.id).toBe(orderId);
    expect(await job.getState()).toBe('delayed');
    const dueAt = Date.parse(event.data.expiresAt);
    expect(job.delay).toBeLessThanOrEqual(dueAt - sentAt);
    expect(job.delay).toBeGreaterThan(dueAt - Date.now() - 50);
    expect(job.timestamp + job.delay).toBeGreaterThanOrEqual(dueAt - 1);
    expect(job.opts).toMatchObject({
      attempts: 12,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    });
    expect(job.data).toMatchObject({ orderId, expiresAt: event.data.expiresAt, correlationId: event.correlationId });
  });

  it('when order.created comes twice for one order, then there is still one job, unchanged', async () => {
    const orderId = randomUUID();
    const before = await handledSoFar();
    const first = await bed.publishOrderCreated({ orderId, expiresInMs: 60_000 });
    await handled(before);
    const original = await service.queue.getJob(orderId);

    // A second event for the same order (say orders re-published it) with a later expiresAt.
    await bed.publishOrderCreated({ orderId, expiresInMs: 120_000 });
    await handled(before, 2);

    const jobs = await jobsOfOrder(service, orderId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual(original!.data);
    expect(jobs[0]!.data.expiresAt).toBe(first.data.expiresAt);
    expect(await jobs[0]!.getState()).toBe('delayed');
    expect(service.log.has('order expiration already scheduled; duplicate ignored')).toBe(true);
  });

  it('when expiresAt has passed, then the job fires at once and expiration.complete is published once', async () => {
    const event = await bed.publishOrderCreated({ expiresInMs: -5_000 });
    const orderId = event.data.id;

    const [published] = await waitFor(async () => {
      const events = await bed.expirationEvents(orderId);
      return events.length > 0 && events;
    });
    expect(published).toEqual({
      orderId,
      eventId: expirationEventId(orderId),
      msgId: expirationEventId(orderId),
      correlationId: event.correlationId,
      occurredAt: expect.any(String),
    });
    const job = await waitForJob(service, orderId, 'completed');
    expect(job.delay).toBe(0);
    expect(await bed.expirationEvents(orderId)).toHaveLength(1);
  });

  it('when order.created is redelivered after the job fired, then no second job fires and no second event', async () => {
    const orderId = randomUUID();
    const before = await handledSoFar();
    await bed.publishOrderCreated({ orderId, expiresInMs: -1_000 });
    await waitFor(async () => (await bed.expirationEvents(orderId)).length === 1);
    await waitForJob(service, orderId, 'completed');

    await bed.publishOrderCreated({ orderId, expiresInMs: -1_000 });
    await handled(before, 2);

    const jobs = await jobsOfOrder(service, orderId);
    expect(jobs).toHaveLength(1);
    expect(await jobs[0]!.getState()).toBe('completed');
    expect(await bed.expirationEvents(orderId)).toHaveLength(1);
  });
});

describe('scheduleExpiration', () => {
  it('when given the current time, then the delay is exactly expiresAt − now, and 0 once it has passed', async () => {
    const now = Date.now();
    const future = { orderId: randomUUID(), expiresAt: new Date(now + 90_000).toISOString(), correlationId: 'c-1' };
    await expect(scheduleExpiration(service.scheduler, future, now)).resolves.toEqual({
      jobId: future.orderId,
      delayMs: 90_000,
      created: true,
    });

    const past = { orderId: randomUUID(), expiresAt: new Date(now + 90_000).toISOString(), correlationId: 'c-2' };
    const result = await scheduleExpiration(service.scheduler, past, now + 100_000);
    expect(result).toEqual({ jobId: past.orderId, delayMs: 0, created: true });
  });

  it('when called again for a scheduled order, then it reports the job as existing', async () => {
    const request = {
      orderId: randomUUID(),
      expiresAt: new Date(Date.now() + 90_000).toISOString(),
      correlationId: 'c',
    };
    await scheduleExpiration(service.scheduler, request);
    await expect(scheduleExpiration(service.scheduler, request)).resolves.toMatchObject({ created: false });
    expect(await jobsOfOrder(service, request.orderId)).toHaveLength(1);
  });

  it('when several orders are scheduled at once, then each gets its job and delay, and one already scheduled is reported as existing', async () => {
    const now = Date.now();
    const request = (delayMs: number) => ({
      orderId: randomUUID(),
      expiresAt: new Date(now + delayMs).toISOString(),
      correlationId: `c-${delayMs}`,
    });
    const known = request(60_000);
    await scheduleExpiration(service.scheduler, known, now);
    const [a, b] = [request(90_000), request(-1_000)];

    const results = await scheduleExpirations(service.scheduler, [a, known, b], now);

    expect(results).toEqual([
      { jobId: a.orderId, delayMs: 90_000, created: true },
      { jobId: known.orderId, delayMs: 60_000, created: false },
      { jobId: b.orderId, delayMs: 0, created: true },
    ]);
    for (const { orderId, correlationId } of [a, known, b]) {
      const jobs = await jobsOfOrder(service, orderId);
      expect(jobs.map((job) => job.data)).toEqual([expect.objectContaining({ orderId, correlationId })]);
    }
  });
});
