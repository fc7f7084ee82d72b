import path from 'node:path';
import { createLogger, openEventService, Subjects } from '@ticketing/common';
import {
  createTestDatabase,
  type NatsServerHandle,
  readStreamEvents,
  startNatsServer,
  waitFor,
} from '@ticketing/common/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { schema } from '../src/db/schema';
import { baseConfig } from './harness';

/**
 * auth as index.ts wires it (openEventService: its outbox relay, readiness and dependencies), on
 * a real nats-server that the test stops: readiness is the database alone, and a sign-out made
 * while NATS is down is answered at once, its revocation published once NATS is back.
 */
const KEY = 'auth-nats-outage-test-key-of-32-bytes-or-more';
const migrationsFolder = path.join(__dirname, '..', 'migrations');

jest.setTimeout(60_000);

let nats: NatsServerHandle;
let database: Awaited<ReturnType<typeof createTestDatabase<typeof schema>>>;
let service: Awaited<ReturnType<typeof openEventService<typeof schema>>>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  [nats, database] = await Promise.all([startNatsServer(), createTestDatabase({ schema, migrationsFolder })]);
  const logger = createLogger('auth', 'silent');
  const config = { ...baseConfig, JWT_KEY: KEY, NATS_URL: nats.url, DATABASE_URL: database.url };
  service = await openEventService('auth', config, { schema, migrationsFolder, logger });
  const { readiness, dependencies } = service;
  app = createApp({ config, db: service.database.db, relay: service.relay, logger, readiness, dependencies });
});

afterAll(async () => {
  for (const step of service?.shutdown ?? []) await step();
  await database?.close();
  await nats?.stop();
});

const revocations = async () =>
  (await readStreamEvents(service.nc, Subjects.SessionRevoked)).map((event) => event.data.sessionId);

describe('auth and NATS', () => {
  it('when NATS is down, then /readyz stays 200, sign-out answers at once and refuses the cookie, and its session.revoked is published once NATS is back', async () => {
    const signup = await request(app)
      .post('/api/users/signup')
      .send({ email: 'outage@test.dev', password: 'secret-pw' })
      .expect(201);
    const cookie = signup.get('Set-Cookie') ?? [];
    expect((await request(app).get('/healthz/details')).body.checks).toEqual({ db: 'ok', nats: 'ok' });

    await nats.halt();
    await waitFor(async () => (await request(app).get('/healthz/details')).status === 503, { timeoutMs: 20_000 });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { db: 'ok' } });

    await request(app).post('/api/users/signout').set('Cookie', cookie).expect(200, {});
    const me = await request(app).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
    expect(me.body).toEqual({ currentUser: null });

    await nats.resume();
    const [session] = await service.database.db.select().from(schema.sessions);
    expect(session?.revokedAt).toBeInstanceOf(Date);
    await waitFor(async () => (await revocations()).length > 0, { timeoutMs: 30_000 });
    expect(await revocations()).toEqual([session?.id]);
  });
});
