import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster';
import { call, type Reply } from './http';

/** What the services accepted during a burst (2xx answers) and how the rest went. */
export interface Ledger {
  /** Ticket id → seller id, for every 201 of POST /api/tickets. */
  tickets: Map<string, string>;
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

type Service = 'tickets' | 'orders' | 'payments';

/**
 * Shoppers that, until `durationMs` has passed (or `signal` aborts), each loop: a seller lists a ticket, a buyer
 * reserves it as soon as orders knows it, and then pays with tok_visa (½), is declined with
 * tok_chargeDeclined (¼, the order then expires) or does not pay (¼, it expires). A call that gets
 * no answer or a 404 (the service has not heard of the entity yet) is retried until the step
 * times out. Only accepted requests are recorded in the ledger.
 */
export async function runBurst(cluster: Cluster, options: BurstOptions): Promise<Ledger> {
  const { workers = 3, durationMs, stepTimeoutMs = 8_000, signal } = options;
  const ledger: Ledger = {
    tickets: new Map(),
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

      const buyer = cluster.cookieFor();
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
