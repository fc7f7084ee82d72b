import { randomUUID } from 'node:crypto';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { scheduleExpiration } from '../src/domain/schedule-expiration';
import { createExpirationTestBed, type ExpirationTestBed, waitForJob } from './harness';

// Outages and restarts take seconds each; on a busy machine more than the default allows.
jest.setTimeout(90_000);

let bed: ExpirationTestBed;
beforeAll(async () => {
  bed = await createExpirationTestBed();
});
afterEach(() => bed.stopServices());
afterAll(() => bed.close());

describe('a Redis outage', () => {
  // First in the file: BullMQ's watchdog on the force-closed worker's blocking read (≤ 6 s)
  // runs out while the other tests run, instead of holding the test process open at the end.
  it('when the service stops during an outage, then it shuts down without waiting for Redis', async () => {
    const service = await bed.startService();
    await bed.redis.halt();
    try {
      await waitFor(() => service.queueRedis.status !== 'ready');
      await expect(
        scheduleExpiration(service.scheduler, {
          orderId: randomUUID(),
          expiresAt: new Date().toISOString(),
          correlationId: 'c',
        }),
      ).rejects.toThrow();
      const stoppingAt = Date.now();
      await service.stop();
      expect(Date.now() - stoppingAt).toBeLessThan(2_000);
    } finally {
      await bed.redis.resume();
    }
  });

  it('when Redis goes away and comes back, then the service stays up and ready, reports Redis down and up again, and loses no job', async () => {
    const service = await bed.startService();
    const app = service.app;
    await request(app).get('/healthz/details').expect(200);
    const before = await bed.publishOrderCreated({ expiresInMs: 2_000 });
    await waitFor(() => service.queue.getJob(before.data.id));

    await bed.redis.halt();
    const degraded = await waitFor(async () => {
      const response = await request(app).get('/healthz/details');
      return response.status === 503 && response;
    });
    expect(degraded.body.checks).toMatchObject({ redis: expect.stringMatching(/^error: /), nats: 'ok' });
    // Readiness never follows a dependency: the pod stays in rotation and roll-outs are not stalled.
    await request(app).get('/readyz').expect(200);
    await request(app).get('/livez').expect(200);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^ticketing_dependency_up\{dependency="redis",service="expiration"\} 0$/m);
    await waitFor(() => service.log.has('Redis connection lost; reconnecting'));
    // An order created during the outage cannot be scheduled yet: its event is redelivered.
    const during = await bed.publishOrderCreated({ expiresInMs: 0 });
    await waitFor(() => service.log.has('handler failed; retrying'));

    await bed.redis.resume();
    await waitFor(async () => (await request(app).get('/healthz/details')).status === 200, { timeoutMs: 5_000 });
    expect(service.log.has('Redis connection restored')).toBe(true);

    for (const order of [before, during]) {
      const events = await waitFor(async () => {
        const found = await bed.expirationEvents(order.data.id);
        return found.length > 0 && found;
      });
      expect(events).toHaveLength(1);
    }
  });
});

describe('jobs live in Redis', () => {
  it('when the service restarts, then a job scheduled before fires after, even when it fell due in between', async () => {
    const first = await bed.startService();
    const event = await bed.publishOrderCreated({ expiresInMs: 500 });
    const orderId = event.data.id;
    await waitFor(() => first.queue.getJob(orderId));
    await first.stop();
    // Nothing runs the job while the service is down; let its due time pass.
    await waitFor(() => Date.now() > Date.parse(event.data.expiresAt) + 100);
    expect(await bed.expirationEvents(orderId)).toHaveLength(0);

    const second = await bed.startService();
    const events = await waitFor(async () => {
      const found = await bed.expirationEvents(orderId);
      return found.length > 0 && found;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.correlationId).toBe(event.correlationId);
    expect((await waitForJob(second, orderId, 'completed')).attemptsMade).toBe(1);
  });
});

describe('a crash', () => {
  it('when the service dies while a job is running, then the next instance fires that order’s expiration within seconds', async () => {
    // This instance's publish never answers, so the job stays running, holding its lock.
    const dying = await bed.startService({ workerPublish: () => new Promise(() => {}) });
    const event = await bed.publishOrderCreated({ expiresInMs: 300 });
    const orderId = event.data.id;
    await waitForJob(dying, orderId, 'active');
    await dying.crash();

    await bed.startService();
    // The lock of the dead worker's job lapses, and the next stalled-job check hands the job over:
    // within about 10 s (with BullMQ's defaults it took 30–90 s).
    const events = await waitFor(
      async () => {
        const found = await bed.expirationEvents(orderId);
        return found.length > 0 && found;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.correlationId).toBe(event.correlationId);
  });
});
