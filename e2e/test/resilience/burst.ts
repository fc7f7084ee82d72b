import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster';
import { call, type Reply } from './http';

/** What the services accepted during a burst (2xx answers) and how the rest went. */
export interface Ledger {
  /** Ticket id → seller id, for every 201 of POST /api/tickets (resale listings included). */
  tickets: Map<string, string>;
  /** Resale listing id → the pass it resells, for every 201 of POST /api/tickets with `resaleOfPassId`. */
  resales: Map<string, string>;
  /** Order id → ticket id, for every 201 of POST /api/orders. */
  orders: Map<string, string>;
  /** Order id → payment id, for every 201 of POST /api/payments. */
  paid: Map<string, string>;
  /** Orders whose card was declined (402) and that were not paid afterwards. */
  declined: Set<string>;
  /**
   * Orders for which a payment call got no answer (payments was killed mid-request): the charge
   * may or may not have been recorded, so a later "already paid" is possible.
   */
  uncertain: Set<string>;
  /**
   * Calls that got no answer (the service was down), by service: the shoppers' calls and a
   * watcher's, which asks each service for /livez every 100 ms throughout the burst.
   */
  unanswered: Record<string, number>;
  /** Every 5xx, described. */
  serverErrors: string[];
  /** Answers by status, e.g. `orders 404`. */
  statuses: Record<string, number>;
}

export interface BurstOptions {
  /** Shoppers running at once (default 3). */
  workers?: number;
  durationMs: number;
  /** Ends the burst early or, with `durationMs: Infinity`, at all: once the outages it must overlap are over. */
  signal?: AbortSignal;
  /** How long one step waits for a service (down, or not yet told of the entity) before the flow gives up. */
  stepTimeoutMs?: number;
}

type Service = 'tickets' | 'orders' | 'payments' | 'passes';

/**
 * Shoppers that, until `durationMs` has passed (or `signal` aborts), each loop: a seller lists a ticket, a buyer
 * reserves it as soon as orders knows it, and then pays with tok_visa (½), is declined with
 * tok_chargeDeclined (¼, the order then expires) or does not pay (¼, it expires). Every other
 * paid ticket is resold (secure swap): once its pass is issued, the buyer lists it for resale at
 * the price paid, and when the listing is on sale a second buyer reserves and pays it. A call that
 * gets no answer or a 404 (the service has not heard of the entity yet) is retried until the step
 * times out. Only accepted requests are recorded in the ledger.
 */
export async function runBurst(cluster: Cluster, options: BurstOptions): Promise<Ledger> {
  const { workers = 3, durationMs, stepTimeoutMs = 8_000, signal } = options;
  const ledger: Ledger = {
    tickets: new Map(),
    resales: new Map(),
    orders: new Map(),
    paid: new Map(),
    declined: new Set(),
    uncertain: new Set(),
    unanswered: {},
    serverErrors: [],
    statuses: {},
  };
  const deadline = Date.now() + durationMs;
  const running = () => Date.now() < deadline && !signal?.aborted;

  const send = async (service: Service, method: string, path: string, cookie: string, json?: unknown) => {
    const reply = await call(cluster.url(service), method, path, { cookie, json });
    if (reply.status === 0) ledger.unanswered[service] = (ledger.unanswered[service] ?? 0) + 1;
    else ledger.statuses[`${service} ${reply.status}`] = (ledger.statuses[`${service} ${reply.status}`] ?? 0) + 1;
    if (reply.status >= 500) {
      ledger.serverErrors.push(`${method} ${service}${path} → ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    return reply;
  };

  /** Retries while the service is down or has not learnt of the entity (404), up to the step's time-out. */
  const step = async (
    service: Service,
    method: string,
    path: string,
    cookie: string,
    json: unknown,
    onNoAnswer?: () => void,
  ) => {
    const deadline = Date.now() + stepTimeoutMs;
    let reply: Reply;
    do {
      reply = await send(service, method, path, cookie, json);
      if (reply.status === 0) onNoAnswer?.();
      if (reply.status !== 0 && reply.status !== 404) return reply;
      await sleep(reply.status === 0 ? 200 : 100);
    } while (Date.now() < deadline);
    return reply;
  };

  /** Asks `path` of `service` until `pick` finds what it waits for in a 200, up to the step's time-out. */
  const poll = async <B, T>(service: Service, path: string, cookie: string, pick: (body: B) => T | undefined) => {
    const deadline = Date.now() + stepTimeoutMs;
    while (Date.now() < deadline) {
      const reply = await send(service, 'GET', path, cookie);
      const found = reply.status === 200 ? pick(reply.body as B) : undefined;
      if (found !== undefined) return found;
      await sleep(reply.status === 0 ? 200 : 100);
    }
    return undefined;
  };

  /** A new buyer reserves a resale listing and pays it with tok_visa, both recorded in the ledger. */
  const buyResale = async (listingId: string) => {
    const buyer = cluster.cookieFor();
    const deadline = Date.now() + stepTimeoutMs;
    let reserved = await step('orders', 'POST', '/api/orders', buyer, { ticketId: listingId });
    // The listing goes on sale in orders a moment after tickets: orders answers 409 till then.
    while (reserved.status === 409 && Date.now() < deadline && running()) {
      await sleep(100);
      reserved = await step('orders', 'POST', '/api/orders', buyer, { ticketId: listingId });
    }
    if (reserved.status !== 201) return;
    const orderId: string = reserved.body.id;
    ledger.orders.set(orderId, listingId);
    const paid = await step('payments', 'POST', '/api/payments', buyer, { orderId, token: 'tok_visa' }, () =>
      ledger.uncertain.add(orderId),
    );
    if (paid.status === 201) ledger.paid.set(orderId, paid.body.id);
  };

  /** The holder of a paid order's pass lists it for resale at `price`; a second buyer buys the listing. */
  const resell = async (holderId: string, holder: string, orderId: string, price: number) => {
    const passId = await poll(
      'passes',
      '/api/passes',
      holder,
      (body: { passes: { id: string; orderId: string; status: string }[] }) =>
        body.passes.find((pass) => pass.orderId === orderId && pass.status === 'valid')?.id,
    );
    if (!passId || !running()) return;
    const listed = await step('tickets', 'POST', '/api/tickets', holder, { resaleOfPassId: passId, price });
    if (listed.status !== 201) return;
    const listingId: string = listed.body.id;
    ledger.tickets.set(listingId, holderId);
    ledger.resales.set(listingId, passId);
    const onSale = await poll('tickets', `/api/tickets/${listingId}`, holder, (body: { status: string }) =>
      body.status === 'pending' ? undefined : body.status,
    );
    if (onSale === 'available') await buyResale(listingId);
  };

  const shopper = async (n: number) => {
    for (let round = 0; running(); round++) {
      const sellerId = randomUUID();
      const seller = cluster.cookieFor(sellerId);
      const listed = await step('tickets', 'POST', '/api/tickets', seller, {
        title: `burst ${n}.${round}`,
        price: 10 + ((n * 7 + round) % 90),
      });
      if (listed.status !== 201) continue;
      const ticketId: string = listed.body.id;
      ledger.tickets.set(ticketId, sellerId);

      const buyerId = randomUUID();
      const buyer = cluster.cookieFor(buyerId);
      const reserved = await step('orders', 'POST', '/api/orders', buyer, { ticketId });
      if (reserved.status !== 201) continue;
      const orderId: string = reserved.body.id;
      ledger.orders.set(orderId, ticketId);

      const choice = (n + round) % 4;
      if (choice === 3) continue; // never paid: it expires
      const token = choice === 2 ? 'tok_chargeDeclined' : 'tok_visa';
      const paid = await step('payments', 'POST', '/api/payments', buyer, { orderId, token }, () =>
        ledger.uncertain.add(orderId),
      );
      if (paid.status === 201) ledger.paid.set(orderId, paid.body.id);
      if (paid.status === 402) ledger.declined.add(orderId);
      if (paid.status === 201 && choice === 0) await resell(buyerId, buyer, orderId, reserved.body.price);
    }
  };

  // The shoppers can all be waiting on one service (orders answering 404 until it hears of a
  // ticket) while another is down: the watcher sees every outage whatever the shoppers are doing.
  const watcher = async (service: Service) => {
    while (running()) {
      const reply = await call(cluster.url(service), 'GET', '/livez', { timeoutMs: 2_000 });
      if (reply.status === 0) ledger.unanswered[service] = (ledger.unanswered[service] ?? 0) + 1;
      await sleep(100);
    }
  };

  const services: Service[] = ['tickets', 'orders', 'payments'];
  await Promise.all([...Array.from({ length: workers }, (_, n) => shopper(n)), ...services.map(watcher)]);
  return ledger;
}
