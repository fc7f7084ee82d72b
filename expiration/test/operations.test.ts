import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { counterValue, createExpirationTestBed, type ExpirationTestBed, type RunningService } from './harness';

let bed: ExpirationTestBed;
let service: RunningService;
beforeAll(async () => {
  bed = await createExpirationTestBed();
  service = await bed.startService();
});
afterAll(() => bed.close());

describe('operations endpoints', () => {
  it('answers /livez, /readyz (the process answers), and /healthz/details with the redis and nats checks', async () => {
    await request(service.app).get('/livez').expect(200, { status: 'ok' });
    const ready = await request(service.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: {} });
    const details = await request(service.app).get('/healthz/details').expect(200);
    expect(details.body).toEqual({ status: 'ok', checks: { redis: 'ok', nats: 'ok' } });
  });

  it('when jobs are scheduled and fired, then /metrics counts them and gauges the queue', async () => {
    const fired = await bed.publishOrderCreated({ expiresInMs: -1 });
    await bed.publishOrderCreated({ expiresInMs: 60_000 });
    await waitFor(async () => (await bed.expirationEvents(fired.data.id)).length === 1);
    await waitFor(async () => (await counterValue(service.metrics.scheduled)) === 2);

    const metrics = await request(service.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^expiration_jobs_scheduled_total\{service="expiration"\} 2$/m);
    expect(metrics.text).toMatch(/^expiration_jobs_fired_total\{service="expiration"\} 1$/m);
    expect(metrics.text).toMatch(/^expiration_jobs_duplicate_total\{service="expiration"\} 0$/m);
    expect(metrics.text).toMatch(/^expiration_queue_jobs\{state="delayed",service="expiration"\} 1$/m);
    expect(metrics.text).toMatch(/^expiration_queue_jobs\{state="failed",service="expiration"\} 0$/m);
    // delayed + waiting: the one job still to fire.
    expect(metrics.text).toMatch(/^ticketing_expiration_queue_depth\{service="expiration"\} 1$/m);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('answers 404 for any other route: the service has no public API', async () => {
    const response = await request(service.app).get('/api/expiration').expect(404);
    expect(response.body.errors[0]).toEqual({ message: 'Route not found', code: 'NOT_FOUND' });
  });
});
