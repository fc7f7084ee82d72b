import { get, type IncomingMessage } from 'node:http';
import type { PlatformContext } from '../lib/context';
import { type LoadResult, load } from '../lib/load';
import { fmt } from '../lib/report';
import { seedTickets, waitForReplica } from '../lib/seed';
import { api, cookieFor, signUpCookie } from '../lib/util';

export const READ_RATIO_GOAL = 0.5;
/** Orders the signed-in buyer holds while `GET /api/orders` is measured. */
const BUYER_ORDERS = 3;

/**
 * `GET /api/tickets` (a page of 20 out of ≥ 100 available tickets), at the tickets service and
 * through the gateway, and one signed-in read: `GET /api/orders` at the orders service with the
 * session cookie of a buyer who signed up through auth and holds a few orders, so the figure
 * includes what every authenticated request pays (the session check of `currentUser`).
 */
export async function readsScenario(ctx: PlatformContext, hello: LoadResult): Promise<void> {
  const { platform, settings } = ctx;
  const ticketIds = await seedTickets(platform.serviceUrl('tickets'), cookieFor(ctx.jwtKey), 150);
  await ctx.settle();

  const buyer = await signUpCookie(platform.serviceUrl('auth'));
  const reserved = ticketIds.slice(-BUYER_ORDERS);
  await waitForReplica(ctx.db('orders'), reserved);
  for (const ticketId of reserved) {
    const order = await api(platform.serviceUrl('orders'), 'POST', '/api/orders', {
      cookie: buyer,
      json: { ticketId },
    });
    if (order.status !== 201)
      throw new Error(`POST /api/orders answered ${order.status}: ${JSON.stringify(order.body)}`);
  }
  await ctx.settle();

  const targets = [
    ['GET /api/tickets direct to tickets', platform.serviceUrl('tickets'), '/api/tickets', undefined],
    ['GET /api/tickets through the gateway', platform.gatewayUrl, '/api/tickets', undefined],
    ['GET /api/orders signed in, direct to orders', platform.serviceUrl('orders'), '/api/orders', buyer],
  ] as const;
  for (const [label, url, path, cookie] of targets) {
    // A full page is what a browser gets; a short page would flatter the figure.
    const page = await api(url, 'GET', path, { cookie });
    const items = path === '/api/orders' ? page.body?.orders : page.body?.tickets;
    const expected = path === '/api/orders' ? BUYER_ORDERS : 20;
    if (page.status !== 200 || items?.length !== expected) {
      throw new Error(`${label} answered ${page.status} with ${items?.length} items, not ${expected}`);
    }
    const headers: Record<string, string> = cookie ? { cookie } : {};
    const options = { url: `${url}${path}`, connections: settings.connections, headers };
    await load({ ...options, duration: settings.warmupS });
    const result = await ctx.measured(() => load({ ...options, duration: settings.durationS }));
    const ratio = result.rps / hello.rps;
    ctx.details[`reads ${label}`] = result;
    ctx.rows.push({
      group: 'reads',
      scenario: `${label} (${settings.connections} conn)`,
      value: `${fmt.rps(result.rps)} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)}`,
      baseline: `hello ${fmt.rps(hello.rps)}${fmt.cpu(hello)}`,
      ratio,
      goal: `≥ ${READ_RATIO_GOAL}× hello`,
      met: ratio >= READ_RATIO_GOAL && onlyOk(result),
    });
  }

  // What a browser that keeps the page pays to revalidate it: the same read with its ETag, a 304
  // without a body while nothing changed (reported beside the goal, which stays the full read).
  // (node:http, not fetch: fetch adds `Cache-Control: no-cache` to a conditional request, which
  // Express takes for a reload and answers in full; a browser revalidating its cache does not.)
  const url = `${platform.serviceUrl('tickets')}/api/tickets`;
  const etag = (await plainGet(url)).headers.etag;
  const revalidation = { 'if-none-match': etag ?? '' };
  if (!etag || (await plainGet(url, revalidation)).statusCode !== 304) {
    throw new Error('GET /api/tickets answered no ETag, or no 304 to it');
  }
  const options = {
    url,
    connections: settings.connections,
    headers: revalidation,
    countStatus: (s: number) => s === 304,
  };
  await load({ ...options, duration: settings.warmupS });
  const result = await ctx.measured(() => load({ ...options, duration: settings.durationS }));
  const label = 'GET /api/tickets revalidated with its ETag (304), direct to tickets';
  ctx.details[`reads ${label}`] = result;
  ctx.rows.push({
    group: 'reads',
    scenario: `${label} (${settings.connections} conn)`,
    value: `${fmt.rps(result.rps)} · p50 ${fmt.ms(result.p50)} · p99 ${fmt.ms(result.p99)}${fmt.cpu(result)} · ${Object.entries(
      result.status,
    )
      .map(([code, count]) => `${count}×${code}`)
      .join(' ')}`,
    baseline: `hello ${fmt.rps(hello.rps)}${fmt.cpu(hello)}`,
    ratio: result.rps / hello.rps,
  });
}

/** A GET with exactly these headers; resolves with the answer once its body was read. */
function plainGet(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response));
    }).on('error', reject);
  });
}

/** Every answer was a 2xx and no connection failed. */
export function onlyOk(result: LoadResult): boolean {
  return result.errors === 0 && Object.keys(result.status).every((code) => code.startsWith('2'));
}
