import { randomUUID } from 'node:crypto';
import type { PlatformContext } from '../lib/context';
import { load } from '../lib/load';
import { fmt } from '../lib/report';
import { waitForReplica } from '../lib/seed';
import { api, cookieFor, until } from '../lib/util';

/** Scans a second through the gateway, each pass admitted exactly once. */
export const SCAN_RATE_GOAL = 1_000;
/** Passes sold before the run: each is scanned first (admitted) and then again (refused, 409). */
const PASSES = Number(process.env.BENCH_PASSES ?? 1_500);
const SEED_CONCURRENCY = 25;

/** Runs `task` for every item, `concurrency` at a time. */
async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/**
 * Check-in at the door: an organizer's event with {@link PASSES} tickets, each bought (order,
 * sandbox payment) by a buyer of its own, whose passes are then scanned through the gateway by the
 * organizer — every code once in turn and then again, as a door sees first scans and repeats. The
 * row is scans answered per second (200 admitted, 409 already admitted); the run then checks
 * exactly-once: as many 200s as passes, and every pass admitted once in passes' database.
 */
export async function scansScenario(ctx: PlatformContext): Promise<void> {
  const { platform, settings } = ctx;
  const gateway = platform.gatewayUrl;
  const organizer = cookieFor(ctx.jwtKey);
  const seller = cookieFor(ctx.jwtKey);
  const started = performance.now();

  // Seeding goes straight to each service; only the scans go through the gateway.
  const tickets = platform.serviceUrl('tickets');
  const event = await api(tickets, 'POST', '/api/events', {
    cookie: organizer,
    json: {
      name: 'Bench festival',
      venue: 'Bench arena',
      city: 'Bench city',
      startsAt: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
    },
  });
  if (event.status !== 201) throw new Error(`POST /api/events answered ${event.status}`);
  const eventId: string = event.body.id;

  const ticketIds: string[] = [];
  await inParallel(
    Array.from({ length: PASSES }, (_, i) => i),
    SEED_CONCURRENCY,
    async (i) => {
      const listed = await api(tickets, 'POST', '/api/tickets', {
        cookie: seller,
        json: { title: `Bench festival, seat ${i + 1}`, price: 40, eventId },
      });
      if (listed.status !== 201) throw new Error(`POST /api/tickets answered ${listed.status}`);
      ticketIds.push(listed.body.id);
    },
  );
  await waitForReplica(ctx.db('orders'), ticketIds);
  await inParallel(ticketIds, SEED_CONCURRENCY, async (ticketId) => {
    const buyer = cookieFor(ctx.jwtKey, randomUUID());
    const order = await api(platform.serviceUrl('orders'), 'POST', '/api/orders', {
      cookie: buyer,
      json: { ticketId },
    });
    if (order.status !== 201) throw new Error(`POST /api/orders answered ${order.status}`);
    // payments learns of the order from order.created: it waits a moment for one it has not seen.
    await until(
      async () => {
        const paid = await api(platform.serviceUrl('payments'), 'POST', '/api/payments', {
          cookie: buyer,
          json: { orderId: order.body.id, token: 'tok_visa' },
        });
        return paid.status === 201;
      },
      `the payment of order ${order.body.id}`,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  });
  const passes = ctx.db('passes');
  await until(
    async () =>
      (await passes.query<{ n: number }>('select count(*)::int as n from passes where event_id = $1', [eventId]))
        .rows[0]!.n === PASSES,
    `passes to issue ${PASSES} passes`,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  const codes = (
    await passes.query<{ code: string }>('select code from passes where event_id = $1 order by random()', [eventId])
  ).rows.map((row) => row.code);
  await ctx.settle();
  const seedingMs = performance.now() - started;

  let next = 0;
  let admitted = 0;
  // Each 200 names the code it admitted: a code admitted twice would break exactly-once.
  const admittedCodes = new Set<string>();
  let admittedTwice = 0;
  const result = await ctx.measured(() =>
    load({
      url: gateway,
      connections: settings.connections,
      duration: settings.durationS,
      countStatus: (status) => status === 200 || status === 409,
      requests: [
        {
          method: 'POST',
          path: '/api/passes/scan',
          headers: { 'content-type': 'application/json', cookie: organizer },
          setupRequest: (request, context) => {
            const code = codes[next++ % codes.length]!;
            context.code = code;
            return { ...request, body: JSON.stringify({ code }) };
          },
          onResponse: (status, _body, context) => {
            if (status !== 200) return;
            admitted += 1;
            const code = String(context.code);
            if (admittedCodes.has(code)) admittedTwice += 1;
            admittedCodes.add(code);
          },
        },
      ],
    }),
  );
  const [stored] = (
    await passes.query<{ admitted: number }>(
      `select count(*)::int as admitted from passes where event_id = $1 and status = 'admitted'`,
      [eventId],
    )
  ).rows;
  // Scans still in flight when the run stopped may have admitted a pass whose answer was not read.
  const inFlight = settings.connections;
  const exactlyOnce =
    admittedTwice === 0 &&
    stored !== undefined &&
    stored.admitted >= admitted &&
    stored.admitted <= admitted + inFlight;
  ctx.details.scans = {
    ...result,
    passes: PASSES,
    scans: next,
    admittedAnswers: admitted,
    admittedTwice,
    stored,
    seedingMs,
  };
  const other = Object.entries(result.status).filter(([code]) => code !== '200' && code !== '409');
  ctx.rows.push({
    group: 'passes',
    scenario: `POST /api/passes/scan through the gateway, ${PASSES} passes scanned in turn, first scans then repeats (${settings.connections} conn)`,
    value: `${fmt.rps(result.rps)} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)} · ${admitted} admitted (200), ${result.status['409'] ?? 0} repeats (409)${
      other.length > 0 ? ` · other: ${other.map(([code, n]) => `${n}×${code}`).join(' ')}` : ''
    }`,
    goal: `≥ ${fmt.rps(SCAN_RATE_GOAL)}, each pass admitted once`,
    met: result.rps >= SCAN_RATE_GOAL && exactlyOnce && other.length === 0 && result.errors === 0,
  });
}
