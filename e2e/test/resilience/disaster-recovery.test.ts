/**
 * Disaster recovery, as the README's runbook has it: one service's database is restored from a
 * backup (its versions go back), the platform disagrees with itself, `npm run events -- resync`
 * has the source republish its state, and the invariant checker finds everything consistent.
 */
import { requestAdminCommand } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { type Cluster, startCluster } from './cluster';
import { call } from './http';
import { checkInvariants, Observer } from './invariants';

jest.setTimeout(180_000);

let cluster: Cluster;
let observer: Observer;

beforeAll(async () => {
  cluster = await startCluster();
  observer = await Observer.open(cluster);
});

afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
});

describe('restoring one database from a backup', () => {
  it('when tickets is restored to an older version of a ticket, then replicas drop its next change until a resync makes them agree again', async () => {
    const seller = cluster.cookieFor();
    const tickets = cluster.url('tickets');
    const listed = await call(tickets, 'POST', '/api/tickets', { cookie: seller, json: { title: 'Opera', price: 80 } });
    const id = listed.body.id as string;
    for (const price of [85, 90]) {
      expect(
        (await call(tickets, 'PUT', `/api/tickets/${id}`, { cookie: seller, json: { title: 'Opera', price } })).status,
      ).toBe(200);
    }
    await observer.settle();
    expect(await checkInvariants(observer, { ordersFinal: false })).toEqual([]);

    // The backup was taken at version 0: tickets holds version 0 again.
    await observer.rows('tickets', 'update tickets set version = 0, price_cents = 8000 where id = $1', [id]);
    const edited = await call(tickets, 'PUT', `/api/tickets/${id}`, {
      cookie: seller,
      json: { title: 'Opera — after the restore', price: 95 },
    });
    expect(edited.status).toBe(200);
    await observer.settle();
    // orders holds version 2 and takes the new version 1 for a duplicate.
    expect(await checkInvariants(observer, { ordersFinal: false })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ticket ${id}: orders' replica is v2 "Opera" 9000, tickets has v1 "Opera — after the restore" 9500$`,
        ),
      ),
    ]);

    const result = await requestAdminCommand(observer.nc, 'tickets', 'resync', {}, { timeoutMs: 30_000 });
    expect(result).toEqual({ republished: 1 });

    await waitFor(async () => (await checkInvariants(observer, { ordersFinal: false })).length === 0, {
      timeoutMs: 30_000,
    });
    const [replica] = await observer.rows<{ version: number; title: string }>(
      'orders',
      'select version, title from tickets where id = $1',
      [id],
    );
    expect(replica).toEqual({ version: 1, title: 'Opera — after the restore' });
  });
});
