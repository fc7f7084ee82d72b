import type { PlatformContext } from '../lib/context';
import { load } from '../lib/load';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { cookieFor, shuffle } from '../lib/util';

export const DROP_P99_GOAL_MS = 500;

/**
 * A ticket drop. (1) 1,000 buyers, each on a connection of their own, ask for one ticket at the
 * same moment, through the gateway and directly at orders: exactly one 201, and the p99 of all
 * 1,000 answers. (2) Many tickets on sale at once, `buyersPerTicket` buyers racing for each:
 * successful reservations per second, and exactly one winner per ticket.
 */
export async function dropScenario(
  ctx: PlatformContext,
  { buyers = 1000, tickets = 2000, buyersPerTicket = 2 } = {},
): Promise<void> {
  const { platform, settings } = ctx;
  const seller = cookieFor(ctx.jwtKey);
  const [gatewayTicket, directTicket, ...many] = await seedTickets(platform.serviceUrl('tickets'), seller, tickets + 2);
  await waitForReplica(ctx.db('orders'), [gatewayTicket!, directTicket!, ...many]);
  await ctx.settle();

  const cookies = Array.from({ length: buyers }, () => cookieFor(ctx.jwtKey));
  for (const [label, url, ticketId] of [
    ['through the gateway', platform.gatewayUrl, gatewayTicket!],
    ['direct to orders', platform.serviceUrl('orders'), directTicket!],
  ] as const) {
    let buyer = 0;
    const result = await ctx.measured(() =>
      load({
        url: `${url}/api/orders`,
        connections: buyers,
        amount: buyers,
        countStatus: (status) => status === 201,
        requests: [
          {
            method: 'POST',
            path: '/api/orders',
            body: JSON.stringify({ ticketId }),
            setupRequest: (request) => ({
              ...request,
              headers: { 'content-type': 'application/json', cookie: cookies[buyer++ % buyers]! },
            }),
          },
        ],
      }),
    );
    const { rows } = await ctx
      .db('orders')
      .query<{ n: number }>(
        "select count(*)::int as n from orders where ticket_id = $1 and status in ('created', 'awaiting:payment', 'complete')",
        [ticketId],
      );
    const wins = result.status['201'] ?? 0;
    const others = Object.entries(result.status)
      .filter(([code]) => code !== '201')
      .map(([code, n]) => `${n}×${code}`)
      .join(' ');
    ctx.details[`drop ${label}`] = { ...result, activeOrdersInDb: rows[0]!.n };
    ctx.rows.push({
      group: 'drop',
      scenario: `${buyers.toLocaleString('en-US')} buyers, 1 ticket, ${label}`,
      value: `${wins}×201 ${others}${result.errors ? ` · ${result.errors} errors` : ''} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)}`,
      goal: `one 201, p99 ≤ ${DROP_P99_GOAL_MS / 1000} s`,
      met: wins === 1 && rows[0]!.n === 1 && result.errors === 0 && result.p99 <= DROP_P99_GOAL_MS,
    });
  }

  // Many tickets: every (ticket, buyer) pair once, in random order, so buyers of one ticket race.
  const attempts = shuffle(many.flatMap((ticketId) => Array.from({ length: buyersPerTicket }, () => ticketId)));
  let next = 0;
  const result = await ctx.measured(() =>
    load({
      url: `${platform.serviceUrl('orders')}/api/orders`,
      connections: settings.connections * 2,
      amount: attempts.length,
      countStatus: (status) => status === 201,
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json', cookie: cookies[next % cookies.length]! },
            body: JSON.stringify({ ticketId: attempts[next++ % attempts.length] }),
          }),
        },
      ],
    }),
  );
  const { rows } = await ctx.db('orders').query<{ tickets: number; orders: number }>(
    `select count(distinct ticket_id)::int as tickets, count(*)::int as orders from orders
       where ticket_id = any($1::uuid[]) and status in ('created', 'awaiting:payment', 'complete')`,
    [many],
  );
  const wins = result.status['201'] ?? 0;
  const exact = wins === many.length && rows[0]!.tickets === many.length && rows[0]!.orders === many.length;
  ctx.details['drop many tickets'] = { ...result, tickets: many.length, buyersPerTicket, db: rows[0] };
  ctx.rows.push({
    group: 'drop',
    scenario: `${many.length.toLocaleString('en-US')} tickets × ${buyersPerTicket} buyers (${settings.connections * 2} conn)`,
    value: `${Math.round(result.rps).toLocaleString('en-US')} reservations/s · ${wins}/${many.length} sold once${
      exact ? '' : ' (NOT one per ticket)'
    } · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)}`,
    goal: 'one per ticket',
    met: exact && result.errors === 0,
  });
}
