import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@ticketing/common/testing';
import { type Cluster, startCluster } from './cluster';
import { call } from './http';
import { expectConsistent, Observer } from './invariants';

const SOAK = process.env.SOAK === '1';
jest.setTimeout(SOAK ? 15 * 60_000 : 180_000);

const WINDOW_SECONDS = 5;
const ORDERS = SOAK ? 60 : 12;

let cluster: Cluster;
let observer: Observer;

beforeAll(async () => {
  // The sweep starts off: only the expiration timer (a BullMQ job in Redis) can cancel an order.
  cluster = await startCluster({
    env: { EXPIRATION_WINDOW_SECONDS: String(WINDOW_SECONDS), SWEEP_INTERVAL_SECONDS: '0' },
  });
  observer = await Observer.open(cluster);
});

afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
});

/** Lists tickets and reserves each once orders knows it; resolves with the orders and their buyers. */
async function reserveMany(count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const ticket = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
        cookie: cluster.cookieFor(),
        json: { title: `Redis ${i}`, price: 15 },
      });
      expect(ticket.status).toBe(201);
      const buyer = cluster.cookieFor();
      const orderId = await waitFor(async () => {
        const order = await call(cluster.url('orders'), 'POST', '/api/orders', {
          cookie: buyer,
          json: { ticketId: ticket.body.id },
        });
        return order.status === 201 ? (order.body.id as string) : false;
      });
      return { orderId, buyer };
    }),
  );
}

const statusesOf = async (ids: string[]) =>
  (await observer.rows<{ status: string }>('orders', 'select status from orders where id = any($1)', [ids])).map(
    (row) => row.status,
  );

async function expirationEventsFor(ids: string[]) {
  const wanted = new Set(ids);
  return (await observer.streamEvents()).filter(
    (event) => event.subject === 'expiration.complete' && wanted.has(String(event.data.orderId)),
  );
}

describe('redis-server restarted while expirations are pending', () => {
  it('when Redis is down past the expiry and then comes back with its data (AOF), then the timers still fire and every order is cancelled — with the sweep off', async () => {
    const reserved = await reserveMany(ORDERS);
    const ids = reserved.map((r) => r.orderId);
    // The expiration service acknowledges order.created only once its job is stored in Redis.
    await observer.settle();
    await cluster.redis.halt();
    await waitFor(async () => (await call(cluster.url('expiration'), 'GET', '/healthz/details')).status === 503);

    const [row] = await observer.rows<{ last: Date }>('orders', 'select max(expires_at) as last from orders');
    await sleep(row!.last.getTime() + 1_000 - Date.now());
    // Past the expiry, nothing has cancelled them in the database (no timer can fire, no sweep) …
    expect(new Set(await statusesOf(ids))).toEqual(new Set(['created']));
    // … yet expiry is enforced by data: they read as cancelled and cannot be paid.
    const { orderId, buyer } = reserved[0]!;
    const shown = await call(cluster.url('orders'), 'GET', `/api/orders/${orderId}`, { cookie: buyer });
    expect(shown.body.status).toBe('cancelled');
    const late = await call(cluster.url('payments'), 'POST', '/api/payments', {
      cookie: buyer,
      json: { orderId, token: 'tok_visa' },
    });
    expect(late.status).toBe(400);

    await cluster.redis.resume();
    await cluster.waitHealthy('expiration', 30_000);
    await waitFor(async () => (await statusesOf(ids)).every((status) => status === 'cancelled'), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    // Each by its own timer, exactly once.
    const fired = await expirationEventsFor(ids);
    expect(fired.map((event) => event.data.orderId).sort()).toEqual([...ids].sort());
    await expectConsistent(observer, { ordersFinal: true });
    expect(cluster.unexpectedExits()).toEqual([]);
  });

  it('when Redis loses its data (crash, data directory wiped), then the timers are gone but the sweep still cancels every overdue order and frees its ticket', async () => {
    await cluster.restart('orders', { SWEEP_INTERVAL_SECONDS: '1' });
    const ids = (await reserveMany(ORDERS)).map((r) => r.orderId);
    await observer.settle();

    await cluster.redis.halt({ kill: true });
    for (const entry of readdirSync(cluster.redis.dataDir)) {
      rmSync(path.join(cluster.redis.dataDir, entry), { recursive: true, force: true });
    }
    await cluster.redis.resume();
    await cluster.waitHealthy('expiration', 30_000);

    await waitFor(async () => (await statusesOf(ids)).every((status) => status === 'cancelled'), {
      timeoutMs: (WINDOW_SECONDS + 15) * 1000,
      intervalMs: 200,
    });
    // Not one of them by its timer: the jobs died with Redis's data.
    expect(await expirationEventsFor(ids)).toEqual([]);
    await expectConsistent(observer, { ordersFinal: true });

    // And the expiration service works on the empty Redis: a new reservation's timer fires.
    const [next] = await reserveMany(1);
    await waitFor(async () => (await expirationEventsFor([next!.orderId])).length === 1, {
      timeoutMs: (WINDOW_SECONDS + 15) * 1000,
      intervalMs: 250,
    });
    await expectConsistent(observer, { ordersFinal: true });
    expect(cluster.unexpectedExits()).toEqual([]);
  });
});
