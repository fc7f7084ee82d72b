import { createLogger, openEventService, SessionRevocations } from '@ticketing/common';
import { createTestDatabase, type NatsServerHandle, startNatsServer, waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { schema } from '../src/db/schema';
import { aUser, baseConfig, migrationsFolder } from './harness';

// Its waits (NATS noticed down, back, the outbox drained) allow up to 50 s on a loaded machine;
// jest's default 5 s would cut them short.
jest.setTimeout(60_000);

/**
 * The service as index.ts wires it (openEventService's readiness and dependencies), on a real
 * nats-server that the test stops: readiness is the database alone, so a NATS restart never
 * takes the pods out of their Service.
 */
let nats: NatsServerHandle;
let database: Awaited<ReturnType<typeof createTestDatabase<typeof schema>>>;
let service: Awaited<ReturnType<typeof openEventService<typeof schema>>>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  [nats, database] = await Promise.all([startNatsServer(), createTestDatabase({ schema, migrationsFolder })]);
  const logger = createLogger('tickets', 'silent');
  const config = { ...baseConfig, NATS_URL: nats.url, DATABASE_URL: database.url };
  service = await openEventService('tickets', config, { schema, migrationsFolder, logger });
  const { readiness, dependencies } = service;
  const revocations = new SessionRevocations({ db: service.database.db, logger });
  app = createApp({
    config,
    db: service.database.db,
    relay: service.relay,
    revocations,
    logger,
    readiness,
    dependencies,
  });
});

afterAll(async () => {
  for (const step of service?.shutdown ?? []) await step();
  await database?.close();
  await nats?.stop();
});

const metric = async (pattern: RegExp) => pattern.exec((await request(app).get('/metrics')).text)?.[1];

describe('nats-server stopped', () => {
  it('when NATS is down, then /readyz stays 200, reads and writes are served, and /healthz/details and the metrics say NATS is down; when it is back, the outbox drains', async () => {
    const seller = aUser();
    const before = await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({ title: 'Listed before', price: 10 })
      .expect(201);

    await nats.halt();
    await waitFor(async () => (await request(app).get('/healthz/details')).status === 503, { timeoutMs: 10_000 });

    const details = await request(app).get('/healthz/details');
    expect(details.body).toEqual({ status: 'degraded', checks: { db: 'ok', nats: expect.stringMatching(/^error: /) } });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { db: 'ok' } });
    const listed = await request(app).get('/api/tickets').expect(200);
    expect(JSON.stringify(listed.body)).toContain(before.body.id);
    await request(app).get(`/api/tickets/${before.body.id}`).expect(200);
    // A write is accepted too: its event waits in the outbox.
    const during = await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({ title: 'Listed while NATS is down', price: 12 })
      .expect(201);
    expect(during.body.id).toBeTruthy();
    expect(await metric(/^ticketing_dependency_up\{dependency="nats",service="tickets"\} (\d)$/m)).toBe('0');
    expect(Number(await metric(/^ticketing_outbox_pending\{service="tickets"\} (\d+)$/m))).toBeGreaterThanOrEqual(1);

    await nats.resume();
    await waitFor(async () => (await request(app).get('/healthz/details')).status === 200, { timeoutMs: 20_000 });
    await waitFor(async () => (await metric(/^ticketing_outbox_pending\{service="tickets"\} (\d+)$/m)) === '0', {
      timeoutMs: 20_000,
    });
    expect(await metric(/^ticketing_outbox_oldest_pending_seconds\{service="tickets"\} (\S+)$/m)).toBe('0');
  });
});
