import type { Instance } from 'autocannon';
import type { PlatformContext } from '../lib/context';
import { load } from '../lib/load';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { api, cookieFor, percentile, sleep, until } from '../lib/util';

export const EXPIRY_P99_GOAL_MS = 500;
/** Under the reservation load, as the throughput goals ask. */
export const EXPIRY_UNDER_LOAD_P99_GOAL_MS = 250;
/**
 * The background load: a steady rate of reservations, about a sixth of what the platform
 * sustains here (the writes row), for as long as the measurement runs — a latency
 * measured at saturation would only measure the queue. Each of them expires in the short window
 * too, so the timers and cancellations are busy as well.
 */
const LOAD_RATE_PER_S = 50;
const LOAD_TICKETS = 1500;

/**
 * Reservation expiry by the timer (orders runs with a short EXPIRATION_WINDOW_SECONDS and the
 * sweep off): `orders` reservations made `spacingMs` apart, then for each the time from its
 * `expiresAt` to its order.cancelled on the stream (published by orders' outbox after the
 * cancellation committed). Every order must end cancelled in orders' database.
 */
export async function expiryScenario(
  ctx: PlatformContext,
  { orders = 100, spacingMs = 20, underLoad = false } = {},
): Promise<void> {
  const { platform } = ctx;
  const ids = await seedTickets(platform.serviceUrl('tickets'), cookieFor(ctx.jwtKey), orders);
  await waitForReplica(ctx.db('orders'), ids);
  const loadTickets = underLoad
    ? await seedTickets(platform.serviceUrl('tickets'), cookieFor(ctx.jwtKey), LOAD_TICKETS)
    : [];
  if (underLoad) await waitForReplica(ctx.db('orders'), loadTickets);
  await ctx.settle();
  // Under load: reservations of other tickets by other buyers, at LOAD_RATE_PER_S.
  const background: { instance?: Instance; done?: Promise<unknown> } = {};
  if (underLoad) {
    let next = 0;
    background.done = load({
      url: `${platform.serviceUrl('orders')}/api/orders`,
      connections: ctx.settings.connections,
      overallRate: LOAD_RATE_PER_S,
      amount: loadTickets.length,
      onStart: (instance) => {
        background.instance = instance;
      },
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json', cookie: cookieFor(ctx.jwtKey) },
            body: JSON.stringify({ ticketId: loadTickets[next++ % loadTickets.length] }),
          }),
        },
      ],
    });
  }

  const expiresAt = new Map<string, number>();
  const lateness = new Map<string, number>();
  // Where the time goes: the timer's event (expiration.complete, published when the job ran),
  // then orders' cancellation and its relay.
  const timerFired = new Map<string, number>();
  const timerSubscription = ctx.nats.subscribe('expiration.complete', {
    callback: (error, msg) => {
      if (error) return;
      const seen = Date.now();
      const id = (msg.json() as { data: { orderId: string } }).data.orderId;
      if (!timerFired.has(id)) timerFired.set(id, seen);
    },
  });
  const subscription = ctx.nats.subscribe('order.cancelled', {
    callback: (error, msg) => {
      if (error) return;
      const seen = Date.now();
      const id = (msg.json() as { data: { id: string } }).data.id;
      const due = expiresAt.get(id);
      if (due !== undefined && !lateness.has(id)) lateness.set(id, seen - due);
    },
  });
  await ctx.nats.flush();

  for (const ticketId of ids) {
    const next = Date.now() + spacingMs;
    // A buyer per reservation: one holding them all would meet MAX_ACTIVE_RESERVATIONS.
    const answer = await api(platform.serviceUrl('orders'), 'POST', '/api/orders', {
      cookie: cookieFor(ctx.jwtKey),
      json: { ticketId },
    });
    if (answer.status !== 201) throw new Error(`POST /api/orders answered ${answer.status}`);
    expiresAt.set(answer.body.id, Date.parse(answer.body.expiresAt));
    await sleep(Math.max(0, next - Date.now()));
  }
  await until(async () => lateness.size === orders, `${orders} order.cancelled events`, {
    timeoutMs: 60_000,
    intervalMs: 50,
  });
  subscription.unsubscribe();
  timerSubscription.unsubscribe();
  background.instance?.stop();
  await background.done;
  const { rows } = await ctx
    .db('orders')
    .query<{ n: number }>("select count(*)::int as n from orders where id = any($1::uuid[]) and status = 'cancelled'", [
      [...expiresAt.keys()],
    ]);
  const values = [...lateness.values()];
  const p50 = percentile(values, 50);
  const p99 = percentile(values, 99);
  const timer: number[] = [];
  const cancellation: number[] = [];
  for (const [id, cancelledAfter] of lateness) {
    const fired = timerFired.get(id);
    if (fired === undefined) continue;
    const firedAfter = fired - expiresAt.get(id)!;
    timer.push(firedAfter);
    cancellation.push(cancelledAfter - firedAfter);
  }
  const split = (part: number[]) => ({ p50: percentile(part, 50), p99: percentile(part, 99) });
  const [timerSplit, cancellationSplit] = [split(timer), split(cancellation)];
  ctx.details[underLoad ? 'expiry under load' : 'expiry'] = {
    orders,
    spacingMs,
    p50,
    p99,
    max: Math.max(...values),
    min: Math.min(...values),
    // expiresAt → expiration.complete, and expiration.complete → order.cancelled.
    timer: timerSplit,
    cancellation: cancellationSplit,
  };
  const allCancelled = rows[0]!.n === orders;
  const goalMs = underLoad ? EXPIRY_UNDER_LOAD_P99_GOAL_MS : EXPIRY_P99_GOAL_MS;
  ctx.rows.push({
    group: 'expiry',
    scenario: `expiresAt → order.cancelled (${orders} orders, timer only${underLoad ? `, under ${LOAD_RATE_PER_S} reservations/s` : ', idle'})`,
    value: `p50 ${fmt.ms(p50)} · p99 ${fmt.ms(p99)} (timer p99 ${fmt.ms(timerSplit.p99)}, then cancellation p99 ${fmt.ms(cancellationSplit.p99)})${allCancelled ? '' : ` · only ${rows[0]!.n} cancelled in the db`}`,
    goal: `p99 ≤ ${goalMs} ms`,
    met: allCancelled && p99 <= goalMs,
  });
}
