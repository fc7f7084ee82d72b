import type { PlatformContext } from '../lib/context';
import { type LoadResult, load } from '../lib/load';
import { fmt } from '../lib/report';
import { seedTickets } from '../lib/seed';
import { api, cookieFor } from '../lib/util';

export const READ_RATIO_GOAL = 0.5;

/** `GET /api/tickets` (a page of 20 out of ≥ 100 available tickets), at the tickets service and through the gateway. */
export async function readsScenario(ctx: PlatformContext, hello: LoadResult): Promise<void> {
  const { platform, settings } = ctx;
  await seedTickets(platform.serviceUrl('tickets'), cookieFor(ctx.jwtKey), 150);
  await ctx.settle();

  const targets = [
    ['direct to tickets', platform.serviceUrl('tickets')],
    ['through the gateway', platform.gatewayUrl],
  ] as const;
  for (const [label, url] of targets) {
    // A full page is what a browser gets; a short page would flatter the figure.
    const page = await api(url, 'GET', '/api/tickets');
    if (page.status !== 200 || page.body.tickets.length !== 20) {
      throw new Error(`GET /api/tickets ${label} answered ${page.status} with ${page.body?.tickets?.length} tickets`);
    }
    await load({ url: `${url}/api/tickets`, connections: settings.connections, duration: settings.warmupS });
    const result = await ctx.measured(() =>
      load({ url: `${url}/api/tickets`, connections: settings.connections, duration: settings.durationS }),
    );
    const ratio = result.rps / hello.rps;
    ctx.details[`reads ${label}`] = result;
    ctx.rows.push({
      group: 'reads',
      scenario: `GET /api/tickets ${label} (${settings.connections} conn)`,
      value: `${fmt.rps(result.rps)} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)}`,
      baseline: `hello ${fmt.rps(hello.rps)}${fmt.cpu(hello)}`,
      ratio,
      goal: `≥ ${READ_RATIO_GOAL}× hello`,
      met: ratio >= READ_RATIO_GOAL && onlyOk(result),
    });
  }
}

/** Every answer was a 2xx and no connection failed. */
export function onlyOk(result: LoadResult): boolean {
  return result.errors === 0 && Object.keys(result.status).every((code) => code.startsWith('2'));
}
