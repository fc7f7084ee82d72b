import type { PlatformContext } from '../lib/context';
import { type LoadResult, load } from '../lib/load';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { cookieFor, sleep } from '../lib/util';

/** Tickets listed before the warm-up, and at most in all (seeding runs at a few hundred to a few thousand per second). */
const MIN_SUPPLY = 1500;
const MAX_SUPPLY = 25_000;
/**
 * Reservations each buyer makes: orders' default MAX_ACTIVE_RESERVATIONS, so the run is many
 * buyers within the platform's rules, as real traffic is (one buyer holding thousands would
 * measure that buyer's lock queue, not the reservation).
 */
const RESERVATIONS_PER_BUYER = 5;

/**
 * `POST /api/orders` at the orders service, every request reserving a different ticket (the
 * whole use case: the transaction with the order and its outbox row, the relay publishing
 * order.created). Compared with the bare INSERT … RETURNING baseline. What the other services
 * do with each order.created runs on the same machine meanwhile, and counts in the CPU figure.
 * The throughput rows compare it with the baseline (see throughput.ts).
 * Consecutive requests come from different buyers, each reserving at most
 * {@link RESERVATIONS_PER_BUYER} tickets in all, so neither the reservation limit nor the
 * per-buyer request limit refuses any.
 */
export async function writesScenario(
  ctx: PlatformContext,
  insert: LoadResult,
  { during }: { during?: () => Promise<void> } = {},
): Promise<void> {
  // What runs beside the load (the propagation probe polls orders' database every millisecond)
  // would count in the CPU and latency of the reservations: it gets a run of its own, after the
  // measured one, which alone makes the writes row.
  const measured = await reservationRuns(ctx, during ? 2 : 1);
  await measured.run(ctx.settings.durationS, 'measured');
  if (during) await measured.run(ctx.settings.durationS, 'beside', during);
  const result = measured.results.measured!;
  const ratio = result.rps / insert.rps;
  const other = Object.entries(result.status).filter(([code]) => code !== '201');
  ctx.rows.push({
    group: 'writes',
    scenario: `POST /api/orders, a new ticket each (${ctx.settings.connections} conn)`,
    value: `${fmt.rps(result.rps)} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)}${
      other.length > 0 ? ` · non-201: ${other.map(([code, n]) => `${n}×${code}`).join(' ')}` : ''
    }`,
    baseline: `insert ${fmt.rps(insert.rps)} · p99 ${fmt.ms(insert.p99)}${fmt.cpu(insert)}`,
    ratio,
  });
}

/**
 * Buyers, a supply of tickets for `runs` runs of the measured length (sized by a warm-up), and
 * `run`, which records each run's result in `details.writes` (the measured one) or
 * `details['writes beside the probe']`.
 */
async function reservationRuns(ctx: PlatformContext, runs: number) {
  const { platform, settings } = ctx;
  const seller = cookieFor(ctx.jwtKey);
  const seeding = { tickets: 0, ms: 0 };
  const ids: string[] = [];
  const supply = async (count: number) => {
    const at = performance.now();
    const more = await seedTickets(platform.serviceUrl('tickets'), seller, count);
    await waitForReplica(ctx.db('orders'), more);
    ids.push(...more);
    seeding.tickets += count;
    seeding.ms += performance.now() - at;
    await ctx.settle();
  };

  const buyers = Array.from({ length: Math.ceil(MAX_SUPPLY / RESERVATIONS_PER_BUYER) }, () => cookieFor(ctx.jwtKey));
  let next = 0;
  const run = (durationS: number) =>
    load({
      url: `${platform.serviceUrl('orders')}/api/orders`,
      connections: settings.connections,
      duration: durationS,
      countStatus: (status) => status === 201,
      onStart: (instance) => {
        const timer = setInterval(() => {
          // Every ticket reserved: stop rather than measure "already reserved" answers.
          if (next >= ids.length) instance.stop();
        }, 10);
        instance.once('done', () => clearInterval(timer));
      },
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => {
            const at = next++;
            return {
              ...request,
              headers: { ...request.headers, cookie: buyers[at % buyers.length]! },
              body: JSON.stringify({ ticketId: ids[Math.min(at, ids.length - 1)] }),
            };
          },
        },
      ],
    });

  // The warm-up tells how fast the service goes here; then enough tickets for the measured runs.
  await supply(MIN_SUPPLY);
  const warmup = await run(settings.warmupS);
  // (The warm-up runs cold: the measured run is often twice as fast.)
  const wanted = Math.min(MAX_SUPPLY, Math.ceil(warmup.rps * settings.durationS * 2.5 * runs) + 500);
  if (ids.length - next < wanted) await supply(wanted - (ids.length - next));
  const results: Partial<Record<'measured' | 'beside', LoadResult>> = {};
  return {
    results,
    async run(durationS: number, which: 'measured' | 'beside', during?: () => Promise<void>) {
      const first = next;
      // What else is measured under this load (event propagation) starts a second into the run.
      const [result] = await Promise.all([ctx.measured(() => run(durationS)), during && sleep(1000).then(during)]);
      const ranOut = next >= ids.length;
      results[which] = result;
      const key = which === 'measured' ? 'writes' : 'writes beside the probe';
      ctx.details[key] = { ...result, warmupRps: warmup.rps, ticketsUsed: next - first, seeding, ranOut };
      if (ranOut) process.stderr.write(`  ! writes used up all ${ids.length} tickets before the end of the run\n`);
    },
  };
}
