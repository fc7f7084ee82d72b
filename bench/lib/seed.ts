import type { Pool } from 'pg';
import { load } from './load';
import { until } from './util';

/**
 * Lists `count` tickets through the tickets service's API (so ticket.created reaches orders the
 * real way) and returns their ids.
 */
export async function seedTickets(ticketsUrl: string, sellerCookie: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let n = 0;
  const result = await load({
    url: ticketsUrl,
    connections: Math.min(20, count),
    amount: count,
    requests: [
      {
        method: 'POST',
        path: '/api/tickets',
        headers: { 'content-type': 'application/json', cookie: sellerCookie },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ title: `Bench ticket ${++n}`, price: 10 + (n % 90) }),
        }),
        onResponse: (status, body) => {
          if (status === 201) ids.push((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });
  if (ids.length !== count) {
    throw new Error(`seeding ${count} tickets created ${ids.length} (answers ${JSON.stringify(result.status)})`);
  }
  return ids;
}

/** Waits until the orders service's replica holds every ticket of `ids` (its ticket.created consumer caught up). */
export async function waitForReplica(ordersDb: Pool, ids: string[], timeoutMs = 90_000): Promise<number> {
  const started = performance.now();
  await until(
    async () => {
      const { rows } = await ordersDb.query<{ n: number }>(
        'select count(*)::int as n from tickets where id = any($1::uuid[])',
        [ids],
      );
      return rows[0]!.n === ids.length;
    },
    `orders to hold ${ids.length} seeded tickets`,
    { timeoutMs, intervalMs: 100 },
  );
  return performance.now() - started;
}
