import type { PlatformContext } from '../lib/context';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { api, cookieFor, percentile, sleep, until } from '../lib/util';

export const EXPIRY_P99_GOAL_MS = 500;

/**
 * Reservation expiry by the timer (orders runs with a short EXPIRATION_WINDOW_SECONDS and the
 * sweep off): `orders` reservations made `spacingMs` apart, then for each the time from its
 * `expiresAt` to its order.cancelled on the stream (published by orders' outbox after the
 * cancellation committed). Every order must end cancelled in orders' database.
 */
export async function expiryScenario(ctx: PlatformContext, { orders = 100, spacingMs = 20 } = {}): Promise<void> {
  const { platform } = ctx;
  const ids = await seedTickets(platform.serviceUrl('tickets'), cookieFor(ctx.jwtKey), orders);
  await waitForReplica(ctx.db('orders'), ids);
  await ctx.settle();

  const expiresAt = new Map<string, number>();
  const lateness = new Map<string, number>();
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
  const { rows } = await ctx
    .db('orders')
    .query<{ n: number }>("select count(*)::int as n from orders where id = any($1::uuid[]) and status = 'cancelled'", [
      [...expiresAt.keys()],
    ]);
  const values = [...lateness.values()];
  const p50 = percentile(values, 50);
  const p99 = percentile(values, 99);
  ctx.details.expiry = { orders, spacingMs, p50, p99, max: Math.max(...values), min: Math.min(...values) };
  const allCancelled = rows[0]!.n === orders;
  ctx.rows.push({
    group: 'expiry',
    scenario: `expiresAt → order.cancelled (${orders} orders, timer only)`,
    value: `p50 ${fmt.ms(p50)} · p99 ${fmt.ms(p99)}${allCancelled ? '' : ` · only ${rows[0]!.n} cancelled in the db`}`,
    goal: `p99 ≤ ${EXPIRY_P99_GOAL_MS} ms`,
    met: allCancelled && p99 <= EXPIRY_P99_GOAL_MS,
  });
}
