import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@ticketing/common/testing';
import { runBurst } from './burst';
import { type Cluster, startCluster } from './cluster';
import { call } from './http';
import { expectConsistent, Observer } from './invariants';

const SOAK = process.env.SOAK === '1';
jest.setTimeout(SOAK ? 30 * 60_000 : 240_000);

const WINDOW_SECONDS = 6;

let cluster: Cluster;
let observer: Observer;

beforeAll(async () => {
  cluster = await startCluster({
    env: { EXPIRATION_WINDOW_SECONDS: String(WINDOW_SECONDS), SWEEP_INTERVAL_SECONDS: '0' },
  });
  observer = await Observer.open(cluster);
});

afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
});

describe('nats-server stopped during a burst and started again', () => {
  it('when NATS is down, then the services keep accepting requests into their outboxes; when it is back, the backlogs drain, nothing is lost and nothing is duplicated', async () => {
    const outages = SOAK ? 4 : 1;
    for (let outage = 0; outage < outages; outage++) {
      // The soak run also crashes the server (SIGKILL) instead of stopping it cleanly.
      const crash = SOAK && outage % 2 === 1;
      const burst = runBurst(cluster, { durationMs: 12_000, stepTimeoutMs: 10_000 });
      await sleep(2_500);
      await cluster.nats.halt({ kill: crash });

      // While NATS is down: the details say so, the pods stay ready, writes still succeed, and
      // their events wait in the outbox.
      await waitFor(async () => (await call(cluster.url('tickets'), 'GET', '/healthz/details')).status === 503, {
        timeoutMs: 10_000,
      });
      expect((await call(cluster.url('tickets'), 'GET', '/readyz')).status).toBe(200);
      const listed = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
        cookie: cluster.cookieFor(),
        json: { title: 'listed while NATS is down', price: 12 },
      });
      expect(listed.status).toBe(201);
      await sleep(3_000);
      const backlog = await observer.pendingOutbox();
      expect(backlog.tickets).toBeGreaterThan(0);
      await cluster.nats.resume();
      await Promise.all(
        (['tickets', 'orders', 'payments', 'expiration'] as const).map((service) =>
          cluster.waitHealthy(service, 30_000),
        ),
      );
      const ledger = await burst;

      const [row] = await observer.rows<{ last: Date }>('orders', 'select max(expires_at) as last from orders');
      const waitMs = (row?.last.getTime() ?? 0) + 500 - Date.now();
      if (waitMs > 0) await sleep(waitMs);
      const events = await expectConsistent(observer, { ordersFinal: true, timeoutMs: 90_000 });

      expect(ledger.serverErrors).toEqual([]);
      expect(cluster.unexpectedExits()).toEqual([]);
      // Everything accepted is there, announced exactly once (expectConsistent checks once per
      // entity and version; this spells out the headline case).
      const createdCount = new Map<string, number>();
      for (const event of events.filter((e) => e.subject === 'order.created')) {
        createdCount.set(String(event.data.id), (createdCount.get(String(event.data.id)) ?? 0) + 1);
      }
      const notOnce = [...ledger.orders.keys()].filter((id) => createdCount.get(id) !== 1);
      expect(notOnce).toEqual([]);
      const ticketsOnStream = new Set(events.filter((e) => e.subject === 'ticket.created').map((e) => e.data.id));
      expect([...ledger.tickets.keys(), listed.body.id].filter((id) => !ticketsOnStream.has(id))).toEqual([]);
      const completed = await observer.rows<{ id: string }>(
        'orders',
        "select id from orders where status = 'complete'",
      );
      // Nobody was killed here, so every completed order of this burst is one whose payment got its 201.
      const paidUnseen = completed
        .map((order) => order.id)
        .filter((id) => ledger.orders.has(id) && !ledger.paid.has(id));
      expect(paidUnseen).toEqual([]);
      console.info(
        `outage ${outage + 1}${crash ? ' (SIGKILL)' : ''}: backlog ${JSON.stringify(backlog)}; ${ledger.tickets.size} tickets, ` +
          `${ledger.orders.size} orders, ${ledger.paid.size} paid; ${events.length} events`,
      );
    }
  });
});
