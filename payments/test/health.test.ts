import { natsReadiness } from '@ticketing/common';
import request from 'supertest';
import { createPaymentsTestBed, type PaymentsTestBed } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
afterAll(() => bed?.close());

describe('health, metrics and unknown routes', () => {
  it('when the process runs, then /livez answers 200', async () => {
    await request(bed.app()).get('/livez').expect(200, { status: 'ok' });
  });

  it('when the database and NATS answer, then /readyz checks the database and /healthz/details both', async () => {
    const app = bed.app(
      {},
      { readiness: { db: () => bed.db.execute('select 1') }, dependencies: { nats: natsReadiness(bed.nc) } },
    );
    const response = await request(app).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ready', checks: { db: 'ok' } });
    const details = await request(app).get('/healthz/details').expect(200);
    expect(details.body).toEqual({ status: 'ok', checks: { db: 'ok', nats: 'ok' } });
  });

  it('when its database fails, then /readyz answers 503 naming it', async () => {
    const app = bed.app({}, { readiness: { db: async () => Promise.reject(new Error('connection refused')) } });
    const response = await request(app).get('/readyz').expect(503);
    expect(response.body.checks.db).toMatch(/connection refused/);
  });

  it('when /metrics is scraped, then the payment counters and the breaker gauge are there', async () => {
    const text = (await request(bed.app()).get('/metrics').expect(200)).text;
    for (const name of [
      'payments_succeeded_total',
      'payments_declined_total',
      'payments_refunded_total',
      'payments_gateway_breaker_state',
      'http_request_duration_seconds',
      'ticketing_outbox_pending',
      'ticketing_outbox_oldest_pending_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('when the route is unknown, then it answers 404 with the usual error body', async () => {
    const response = await request(bed.app()).get('/api/payments').expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Route not found', code: 'NOT_FOUND' }] });
  });

  it('when the JSON body is malformed, then it answers 400, never 500', async () => {
    const response = await request(bed.app())
      .post('/api/payments')
      .set('Content-Type', 'application/json')
      .send('{"orderId":')
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Malformed JSON body', code: 'MALFORMED_JSON' }] });
  });
});
