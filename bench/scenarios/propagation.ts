import type { PlatformContext } from '../lib/context';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { api, cookieFor, percentile, sleep } from '../lib/util';

export const PROPAGATION_P99_GOAL_MS = 20;

/** The ticket whose edits are timed, and its seller. */
export interface PropagationProbe {
  seller: string;
  ticketId: string;
}

export interface PropagationOptions {
  samples?: number;
  warmup?: number;
  /** A ticket listed beforehand (see {@link propagationProbe}): under load the platform never settles. */
  probe?: PropagationProbe;
  /** Measured while the reservation load runs (the writes scenario's `during`). */
  underLoad?: boolean;
}

/** Lists a ticket for {@link propagationScenario} and waits until orders has it and the platform is idle. */
export async function propagationProbe(ctx: PlatformContext): Promise<PropagationProbe> {
  const seller = cookieFor(ctx.jwtKey);
  const [ticketId] = await seedTickets(ctx.platform.serviceUrl('tickets'), seller, 1);
  await waitForReplica(ctx.db('orders'), [ticketId!]);
  await ctx.settle();
  return { seller, ticketId: ticketId! };
}

/**
 * An edit committed in tickets → applied to orders' replica. One edit at a time: PUT the ticket
 * (it answers after its transaction committed), then poll orders' database every millisecond
 * until the replica holds the new version. Measured from the PUT's answer (the commit is then
 * certain), and from its start (an upper bound) in the JSON.
 */
export async function propagationScenario(
  ctx: PlatformContext,
  { samples = 100, warmup = 10, probe, underLoad = false }: PropagationOptions = {},
): Promise<void> {
  const { platform } = ctx;
  const { seller, ticketId } = probe ?? (await propagationProbe(ctx));
  const orders = ctx.db('orders');
  const fromAnswer: number[] = [];
  const fromStart: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now();
    const put = await api(platform.serviceUrl('tickets'), 'PUT', `/api/tickets/${ticketId}`, {
      cookie: seller,
      json: { title: `Edited ${i}`, price: 20 + i },
    });
    const answered = performance.now();
    if (put.status !== 200) throw new Error(`PUT /api/tickets answered ${put.status}: ${JSON.stringify(put.body)}`);
    const version = put.body.version as number;
    for (;;) {
      const { rows } = await orders.query<{ version: number }>('select version from tickets where id = $1', [ticketId]);
      if ((rows[0]?.version ?? -1) >= version) break;
      if (performance.now() - answered > 10_000) throw new Error(`version ${version} never reached orders`);
      await sleep(1);
    }
    const applied = performance.now();
    if (i >= warmup) {
      fromAnswer.push(applied - answered);
      fromStart.push(applied - started);
    }
  }
  const p50 = percentile(fromAnswer, 50);
  const p99 = percentile(fromAnswer, 99);
  ctx.details[underLoad ? 'propagation under load' : 'propagation'] = {
    samples,
    fromAnswer: { p50, p99, max: Math.max(...fromAnswer) },
    fromStart: { p50: percentile(fromStart, 50), p99: percentile(fromStart, 99), max: Math.max(...fromStart) },
  };
  ctx.rows.push({
    group: 'events',
    scenario: `ticket edit committed → applied in orders (${samples} edits${underLoad ? ', under the reservation load' : ', idle'})`,
    value: `p50 ${fmt.ms(p50)} · p99 ${fmt.ms(p99)}`,
    goal: `p99 ≤ ${PROPAGATION_P99_GOAL_MS} ms`,
    met: p99 <= PROPAGATION_P99_GOAL_MS,
  });
}
