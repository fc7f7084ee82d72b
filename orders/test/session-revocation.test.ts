import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  createDatabase,
  createLogger,
  type Event,
  listDeadLetters,
  SessionRevocations,
  Subjects,
} from '@ticketing/common';
import { signin, waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { schema } from '../src/db/schema';
import { baseConfig, createOrdersTestBed, type OrdersTestBed } from './harness';

/** At least 32 bytes, as JWT_KEY must be. */
const KEY = 'orders-session-revocation-key-32-bytes-or-more';
const HOUR = 3_600_000;

jest.setTimeout(30_000);

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
afterEach(() => bed.reset());
afterAll(() => bed.close());

const app = () => bed.app({ JWT_KEY: KEY });

/** A session of `userId` as auth would have signed it, issued at `issuedAt`. */
function aSession(userId = randomUUID(), issuedAt = new Date()) {
  const sessionId = randomUUID();
  return { userId, sessionId, cookie: signin({ jwtKey: KEY, id: userId, sessionId, issuedAt }) };
}

const myOrders = (cookie: string[], target = app()) => request(target).get('/api/orders').set('Cookie', cookie);

describe('sessions revoked by auth', () => {
  it('when session.revoked arrives, then that cookie gets 401 on a protected route within seconds, and the same user’s other session still works', async () => {
    const signedOut = aSession();
    const otherDevice = aSession(signedOut.userId);
    await myOrders(signedOut.cookie).expect(200);

    await bed.publish(Subjects.SessionRevoked, {
      sessionId: signedOut.sessionId,
      userId: signedOut.userId,
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });

    await waitFor(async () => (await myOrders(signedOut.cookie)).status === 401, { timeoutMs: 5_000 });
    await myOrders(otherDevice.cookie).expect(200);
    const reserve = await request(app())
      .post('/api/orders')
      .set('Cookie', signedOut.cookie)
      .send({ ticketId: randomUUID() });
    expect(reserve.status).toBe(401);
  });

  it('when session.revoked-all arrives, then every session issued before it gets 401 and one issued afterwards works', async () => {
    const userId = randomUUID();
    const before = new Date();
    const laptop = aSession(userId, new Date(before.getTime() - 60_000));
    const phone = aSession(userId, new Date(before.getTime() - 1));
    const someoneElse = aSession(randomUUID(), new Date(before.getTime() - 1));

    await bed.publish(Subjects.SessionsRevokedAll, {
      userId,
      before: before.toISOString(),
      expiresAt: new Date(before.getTime() + HOUR).toISOString(),
    });
    const signedInAgain = aSession(userId, new Date(before.getTime() + 1));

    await waitFor(async () => (await myOrders(phone.cookie)).status === 401, { timeoutMs: 5_000 });
    await myOrders(laptop.cookie).expect(401);
    await myOrders(signedInAgain.cookie).expect(200);
    await myOrders(someoneElse.cookie).expect(200);
  });

  it('when another replica received the event, then a second instance sharing the database refuses the cookie too', async () => {
    // A second replica: its own pool and in-memory set, and no listener (the durable consumer
    // is shared, so the event went to the first replica only).
    const logger = createLogger('orders', 'silent');
    const migrationsFolder = path.join(__dirname, '..', 'migrations');
    const database = await createDatabase({ url: bed.databaseUrl, schema, migrationsFolder, poolSize: 2 });
    const revocations = new SessionRevocations({ db: database.db, logger, refreshIntervalMs: 100 });
    try {
      await revocations.start();
      const replica = createApp({
        config: { ...baseConfig, JWT_KEY: KEY },
        ...bed.deps,
        db: database.db,
        revocations,
        logger,
        readiness: { db: async () => undefined },
      });
      const session = aSession();
      await myOrders(session.cookie, replica).expect(200);

      await bed.publish(Subjects.SessionRevoked, {
        sessionId: session.sessionId,
        userId: session.userId,
        expiresAt: new Date(Date.now() + HOUR).toISOString(),
      });

      await waitFor(async () => (await myOrders(session.cookie, replica)).status === 401, { timeoutMs: 5_000 });
      await bed.settled(Subjects.SessionRevoked);
    } finally {
      await revocations.stop();
      await database.close();
    }
  });

  it('when the service restarts, then the revocations recorded before are refused from its first request', async () => {
    const session = aSession();
    await bed.publish(Subjects.SessionRevoked, {
      sessionId: session.sessionId,
      userId: session.userId,
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });
    await bed.settled(Subjects.SessionRevoked);

    const restarted = new SessionRevocations({ db: bed.db, logger: createLogger('orders', 'silent') });
    await restarted.start();
    try {
      const replica = createApp({
        config: { ...baseConfig, JWT_KEY: KEY },
        ...bed.deps,
        revocations: restarted,
        logger: createLogger('orders', 'silent'),
        readiness: { db: async () => undefined },
      });
      await myOrders(session.cookie, replica).expect(401);
    } finally {
      await restarted.stop();
    }
  });

  it('when a revocation event breaks its contract, then it is parked and the consumer keeps working', async () => {
    const session = aSession();
    const broken = randomUUID();
    await bed.publishAgain({
      subject: Subjects.SessionRevoked,
      eventId: broken,
      occurredAt: new Date().toISOString(),
      correlationId: broken,
      data: { sessionId: 'not-a-uuid', userId: session.userId, expiresAt: 'tomorrow' },
    } as unknown as Event);
    await bed.publish(Subjects.SessionRevoked, {
      sessionId: session.sessionId,
      userId: session.userId,
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });

    await waitFor(async () => (await myOrders(session.cookie)).status === 401, { timeoutMs: 5_000 });
    await bed.settled(Subjects.SessionRevoked);
    const parked = await listDeadLetters(bed.nc, { service: 'orders' });
    expect(parked.map((letter) => [letter.subject, (letter.event as { eventId?: string }).eventId])).toContainEqual([
      Subjects.SessionRevoked,
      broken,
    ]);
  });
});
