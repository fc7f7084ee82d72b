import { natsReadiness, openApiDocument, passesApi } from '@ticketing/common';
import request from 'supertest';
import { createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
afterAll(() => bed?.close());

describe('health, metrics, the OpenAPI document and unknown routes', () => {
  it('when the process runs, then /livez answers 200', async () => {
    await request(bed.app()).get('/livez').expect(200, { status: 'ok' });
  });

  it('when the database and NATS answer, then /readyz checks the database and /healthz/details both', async () => {
    const app = bed.app(
      {},
      { readiness: { db: () => bed.db.execute('select 1') }, dependencies: { nats: natsReadiness(bed.nc) } },
    );
    expect((await request(app).get('/readyz').expect(200)).body).toEqual({ status: 'ready', checks: { db: 'ok' } });
    expect((await request(app).get('/healthz/details').expect(200)).body).toEqual({
      status: 'ok',
      checks: { db: 'ok', nats: 'ok' },
    });
  });

  it('when its database fails, then /readyz answers 503 naming it', async () => {
    const app = bed.app({}, { readiness: { db: async () => Promise.reject(new Error('connection refused')) } });
    expect((await request(app).get('/readyz').expect(503)).body.checks.db).toMatch(/connection refused/);
  });

  it('when /metrics is scraped, then the pass counters and the outbox gauges are there', async () => {
    const text = (await request(bed.app()).get('/metrics').expect(200)).text;
    for (const name of [
      'passes_issued_total',
      'passes_revoked_total',
      'passes_admitted_total',
      'passes_scans_refused_total',
      'passes_by_status',
      'http_request_duration_seconds',
      'ticketing_outbox_pending',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('when GET /api/passes/openapi.json is asked, then it answers the OpenAPI document', async () => {
    const response = await request(bed.app()).get('/api/passes/openapi.json').expect(200);
    expect(response.body).toEqual(openApiDocument(passesApi));
  });

  it('when the route is unknown, then 404; when the JSON body is malformed, then 400, never 500', async () => {
    const app = bed.app();
    expect((await request(app).get('/api/passes-nope').expect(404)).body.errors[0].code).toBe('NOT_FOUND');
    const response = await request(app)
      .post('/api/passes/scan')
      .set('Content-Type', 'application/json')
      .send('{"code":')
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Malformed JSON body', code: 'MALFORMED_JSON' }] });
  });
});
