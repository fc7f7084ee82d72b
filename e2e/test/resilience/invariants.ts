import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { durableName, EVENT_CONSUMERS, listDeadLetters, STREAM_NAME } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { Pool } from 'pg';
import { type Cluster, DATABASE_SERVICES, type DatabaseService } from './cluster';
import { type LedgerPayout, type LedgerTransfer, payoutLedgerViolations } from './payout-ledger';

/** Every durable consumer the services create: (service, subject) pairs of the event catalog. */
export const DURABLES = Object.entries(EVENT_CONSUMERS).flatMap(([service, subjects]) =>
  subjects.map((subject) => durableName(service, subject)),
);

const ACTIVE = new Set(['created', 'awaiting:payment', 'complete']);

/** The test's own view of the cluster: a pool per service database and a NATS connection. */
export class Observer {
  readonly db: Record<DatabaseService, Pool>;

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    urls: Readonly<Record<DatabaseService, string>>,
  ) {
    this.db = Object.fromEntries(
      DATABASE_SERVICES.map((service) => {
        const pool = new Pool({ connectionString: urls[service], max: 2 });
        // Idle clients of a server that goes away must not crash the test process.
        pool.on('error', () => undefined);
        return [service, pool];
      }),
    ) as Record<DatabaseService, Pool>;
  }

  static async open(cluster: Cluster): Promise<Observer> {
    // Reconnects forever, so the observer survives the NATS outage tests.
    const nc = await connect({ servers: cluster.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    return new Observer(nc, await jetstreamManager(nc), cluster.databaseUrls);
  }

  async rows<T>(service: DatabaseService, sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db[service].query(sql, params)).rows as T[];
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => undefined);
    await Promise.all(Object.values(this.db).map((pool) => pool.end().catch(() => undefined)));
  }

  /** Outbox rows not yet published, per database that has an outbox. */
  async pendingOutbox(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const service of DATABASE_SERVICES) {
      const [exists] = await this.rows<{ present: boolean }>(
        service,
        "select to_regclass('public.outbox') is not null as present",
      );
      if (!exists?.present) continue;
      const [row] = await this.rows<{ n: number }>(
        service,
        'select count(*)::int as n from outbox where published_at is null',
      );
      counts[service] = row?.n ?? 0;
    }
    return counts;
  }

  /** Outbox rows the relay parked (it could not publish them while NATS was healthy), per database. */
  async parkedOutbox(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const service of Object.keys(await this.pendingOutbox()) as DatabaseService[]) {
      const [row] = await this.rows<{ n: number }>(
        service,
        'select count(*)::int as n from outbox where parked_at is not null',
      );
      counts[service] = row?.n ?? 0;
    }
    return counts;
  }

  /** The events the services parked as dead letters, as `service subject (error)`. */
  async deadLetters(): Promise<string[]> {
    return (await listDeadLetters(this.nc)).map((letter) => `${letter.service} ${letter.subject} (${letter.error})`);
  }

  /** The stream's last sequence and whether every durable exists and has nothing pending or unacknowledged. */
  async consumersIdle(): Promise<{ idle: boolean; lastSeq: number; busy: string[] }> {
    const stream = await this.jsm.streams.info(STREAM_NAME);
    const seen = new Map<string, { pending: number; ackPending: number }>();
    for await (const consumer of this.jsm.consumers.list(STREAM_NAME)) {
      seen.set(consumer.name, { pending: consumer.num_pending, ackPending: consumer.num_ack_pending });
    }
    const busy: string[] = [];
    for (const durable of DURABLES) {
      const state = seen.get(durable);
      if (!state) busy.push(`${durable}: missing`);
      else if (state.pending > 0 || state.ackPending > 0) {
        busy.push(`${durable}: ${state.pending} pending, ${state.ackPending} unacknowledged`);
      }
    }
    return { idle: busy.length === 0, lastSeq: stream.state.last_seq, busy };
  }

  /**
   * Resolves once the sandbox gateway's webhook has received an event for every charge it
   * succeeded or declined and every refund it made (what Stripe would send), so no late webhook
   * changes payments' tables after the caller looks. Only while payments runs undisturbed: the
   * sandbox keeps the deliveries it has yet to make in memory, so a crash loses them (the
   * reconciler covers what they would have settled).
   */
  async sandboxWebhooksDelivered(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => {
        const [row] = await this.rows<{ expected: number; received: number }>(
          'payments',
          `select
             (select count(*) from sandbox_payment_intents where status in ('succeeded', 'requires_payment_method'))
             + (select count(*) from sandbox_payment_intents where refund_id is not null) as expected,
             (select count(*) from stripe_events where id like 'evt_sandbox_%') as received`,
        );
        return Number(row?.received) >= Number(row?.expected);
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /**
   * Waits until the platform is quiet: every consumer has handled everything published, every
   * outbox is empty, and nothing new was published meanwhile — consumers, outboxes, consumers
   * again, so an event written by a handler between the two reads is not missed.
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const before = await this.consumersIdle();
        if (!before.idle) {
          last = before.busy.join('; ');
          return false;
        }
        const outbox = await this.pendingOutbox();
        const waiting = Object.entries(outbox).filter(([, n]) => n > 0);
        if (waiting.length > 0) {
          last = `outbox not empty: ${waiting.map(([service, n]) => `${service} ${n}`).join(', ')}`;
          return false;
        }
        const after = await this.consumersIdle();
        last = after.busy.join('; ');
        return after.idle && after.lastSeq === before.lastSeq;
      },
      { timeoutMs, intervalMs: 200 },
    ).catch((error: Error) => {
      throw new Error(`the platform did not settle: ${last || error.message}`);
    });
  }

  /** Every event on the stream, in order (an ordered consumer; the stream keeps everything). */
  async streamEvents(): Promise<StreamEvent[]> {
    const { state } = await this.jsm.streams.info(STREAM_NAME);
    const events: StreamEvent[] = [];
    if (state.last_seq === 0) return events;
    const consumer = await jetstream(this.nc).consumers.get(STREAM_NAME);
    const messages = await consumer.consume({ max_messages: 500 });
    for await (const msg of messages) {
      const body = msg.json<{ eventId: string; data: Record<string, unknown> }>();
      events.push({ seq: msg.seq, subject: msg.subject, eventId: body.eventId, data: body.data });
      if (msg.seq >= state.last_seq) break;
    }
    messages.stop();
    return events;
  }
}

export interface StreamEvent {
  seq: number;
  subject: string;
  eventId: string;
  data: Record<string, unknown>;
}

export interface InvariantOptions {
  /**
   * Orders must have ended (complete or cancelled). True once the expiry window has passed;
   * false while reservations may legitimately be open.
   */
  ordersFinal?: boolean;
  /** Entities a test published straight to NATS: they have no source row, so replica checks skip them. */
  foreignIds?: ReadonlySet<string>;
  /**
   * Money must be settled: no payment left pending or errored (the reconciler settles them) and
   * no refund intent left open (parked ones excepted). Default: `ordersFinal`.
   */
  moneySettled?: boolean;
  /** SELLER_FEE_PERCENT of the platform under test (default 5): what a payout keeps back. */
  sellerFeePercent?: number;
}

interface SourceTicket {
  id: string;
  version: number;
  title: string;
  price_cents: number;
  user_id: string;
  order_id: string | null;
  sold: boolean;
  /**
   * Not on sale though free: unlisted by its seller (`withdrawn`), or a resale listing whose pass
   * is not locked (`pending`) or could not be (`rejected`) — what orders' replica calls withdrawn.
   */
  withdrawn: boolean;
}
interface ReplicaTicket {
  id: string;
  version: number;
  title: string;
  price_cents: number;
  user_id: string;
  withdrawn: boolean;
}
interface SourceOrder {
  id: string;
  user_id: string;
  status: string;
  ticket_id: string;
  version: number;
  price_cents: number;
  /** What the buyer is charged: the price plus the buyer fee. */
  total_cents: number;
}
interface Pass {
  id: string;
  ticket_id: string;
  order_id: string;
  holder_id: string;
  generation: number;
  status: string;
  admitted_at: Date | null;
  revoked_at: Date | null;
}
interface ReplicaOrder {
  id: string;
  user_id: string;
  status: string;
  version: number;
  price_cents: number;
  total_cents: number;
}
interface Payment {
  id: string;
  order_id: string;
  status: string;
  amount: number;
}
/** A charge as the sandbox gateway recorded it (what the gateway took, independent of payments' own rows). */
interface GatewayCharge {
  id: string;
  order_id: string;
  amount: number;
  refunded: boolean;
}

/**
 * The platform's invariants, read from every service's database. Returns one sentence per
 * violation (empty when everything holds):
 *
 * - every order ended complete or cancelled (with `ordersFinal`);
 * - at most one active order per ticket;
 * - a ticket is reserved exactly when it has an active order (tickets.order_id = that order),
 *   and sold exactly when that order is complete;
 * - a completed order has exactly one succeeded payment, any other order none (refunded ones
 *   are not succeeded), and a payment charges the order's price;
 * - the money ledger: for every order, charged − refunded equals its price when it is complete and
 *   0 otherwise — in payments' records and, when payments runs the sandbox, in the gateway's own;
 *   every charge the gateway took belongs to a known order; with `moneySettled`, no payment is left
 *   pending or errored and no refund intent open unless parked (refund_failed);
 * - refunded orders (a refunded claim, or every charge refunded) net zero once the money is
 *   settled, and the sellers' side holds ({@link payoutLedgerViolations}): each payout is the price
 *   less the seller fee, none is paid twice, a seller keeps a paid payout's amount and nothing of
 *   the others, and a refunded order's payout is cancelled or reversed;
 * - every outbox is empty (no row parked either), no event was parked as a dead letter, and the
 *   replicas equal their source: orders' tickets replica has each ticket's version, title, price
 *   and seller; payments' orders replica each order's version,
 *   status and price (the price orders shows the buyer is the one payments charges).
 */
export async function checkInvariants(observer: Observer, options: InvariantOptions = {}): Promise<string[]> {
  const { ordersFinal = true, foreignIds = new Set<string>() } = options;
  const moneySettled = options.moneySettled ?? ordersFinal;
  const violations: string[] = [];
  const [tickets, replicaTickets, orders, replicaOrders, payments, outbox, gatewayCharges, openRefunds] =
    await Promise.all([
      observer.rows<SourceTicket>(
        'tickets',
        `select id, version, title, price_cents, user_id, order_id, sold_at is not null as sold,
           (order_id is null and sold_at is null
             and (withdrawn_at is not null or coalesce(resale_lock in ('pending', 'rejected'), false))) as withdrawn from tickets`,
      ),
      observer.rows<ReplicaTicket>('orders', 'select id, version, title, price_cents, user_id, withdrawn from tickets'),
      observer.rows<SourceOrder>(
        'orders',
        'select id, user_id, status, ticket_id, version, price_cents, total_cents from orders',
      ),
      observer.rows<ReplicaOrder>(
        'payments',
        'select id, user_id, status, version, price_cents, total_cents from orders',
      ),
      observer.rows<Payment>('payments', 'select id, order_id, status, amount from payments'),
      observer.pendingOutbox(),
      observer.rows<GatewayCharge>(
        'payments',
        `select id, metadata->>'orderId' as order_id, amount, refund_id is not null as refunded
       from sandbox_payment_intents where status = 'succeeded'`,
      ),
      observer.rows<{ id: string; payment_id: string }>(
        'payments',
        "select id, payment_id from refunds where status = 'pending'",
      ),
    ]);

  const [payoutRows, transferRows, refundedClaims] = await Promise.all([
    observer.rows<LedgerPayout>(
      'payments',
      `select id, order_id, price_cents, seller_fee_cents, amount_cents, status, transfer_id, reversal_id,
         refunded_at is not null as refunded from payouts`,
    ),
    observer.rows<LedgerTransfer>(
      'payments',
      `select id, metadata->>'payoutId' as payout_id, metadata->>'orderId' as order_id, amount,
         reversal_id is not null as reversed from sandbox_transfers`,
    ),
    observer.rows<{ order_id: string }>('payments', "select order_id from claims where status = 'refunded'"),
  ]);
  // Orders whose buyer was refunded in full: a refunded claim, or a completed order whose charges
  // were all refunded (the dashboard). They net zero for everyone once the money is settled.
  const refundedOrders = new Set(refundedClaims.map((claim) => claim.order_id));
  for (const payment of payments) {
    if (
      payment.status === 'refunded' &&
      !payments.some((other) => other.order_id === payment.order_id && other.status === 'succeeded')
    ) {
      refundedOrders.add(payment.order_id);
    }
  }

  for (const [service, pending] of Object.entries(outbox)) {
    if (pending > 0) violations.push(`${service}: ${pending} outbox rows never published`);
  }
  for (const [service, parked] of Object.entries(await observer.parkedOutbox())) {
    if (parked > 0) violations.push(`${service}: ${parked} outbox rows parked`);
  }
  for (const letter of await observer.deadLetters()) violations.push(`an event was parked as a dead letter: ${letter}`);

  const activeByTicket = new Map<string, SourceOrder[]>();
  for (const order of orders) {
    if (ordersFinal && order.status !== 'complete' && order.status !== 'cancelled') {
      violations.push(`order ${order.id} is still ${order.status} after its expiry`);
    }
    if (ACTIVE.has(order.status)) {
      activeByTicket.set(order.ticket_id, [...(activeByTicket.get(order.ticket_id) ?? []), order]);
    }
  }
  for (const [ticketId, active] of activeByTicket) {
    if (active.length > 1) {
      violations.push(`ticket ${ticketId} has ${active.length} active orders: ${active.map((o) => o.id).join(', ')}`);
    }
  }

  const replicaTicketById = new Map(replicaTickets.map((ticket) => [ticket.id, ticket]));
  const ticketIds = new Set(tickets.map((ticket) => ticket.id));
  for (const ticket of tickets) {
    const active = activeByTicket.get(ticket.id)?.[0];
    if (active) {
      if (ticket.order_id !== active.id) {
        violations.push(
          `ticket ${ticket.id} should be held by its active order ${active.id} (${active.status}) but holds ${ticket.order_id ?? 'nothing'}`,
        );
      }
      if (ticket.sold !== (active.status === 'complete')) {
        violations.push(`ticket ${ticket.id} sold=${ticket.sold} but its order ${active.id} is ${active.status}`);
      }
    } else if (ticket.order_id !== null || ticket.sold) {
      violations.push(
        `ticket ${ticket.id} is ${ticket.sold ? 'sold' : 'reserved'} (order ${ticket.order_id}) without an active order`,
      );
    }
    const replica = replicaTicketById.get(ticket.id);
    if (!replica) {
      violations.push(`ticket ${ticket.id} (v${ticket.version}) never reached the orders replica`);
    } else if (
      replica.version !== ticket.version ||
      replica.title !== ticket.title ||
      replica.price_cents !== ticket.price_cents ||
      replica.user_id !== ticket.user_id ||
      replica.withdrawn !== ticket.withdrawn
    ) {
      violations.push(
        `ticket ${ticket.id}: orders' replica is v${replica.version} "${replica.title}" ${replica.price_cents}${replica.withdrawn ? ' withdrawn' : ''}, tickets has v${ticket.version} "${ticket.title}" ${ticket.price_cents}${ticket.withdrawn ? ' withdrawn' : ''}`,
      );
    }
  }
  for (const replica of replicaTickets) {
    if (!ticketIds.has(replica.id) && !foreignIds.has(replica.id)) {
      violations.push(`orders' replica has ticket ${replica.id} that tickets does not have`);
    }
  }
  for (const ticketId of activeByTicket.keys()) {
    if (!ticketIds.has(ticketId) && !foreignIds.has(ticketId)) {
      violations.push(`an active order holds ticket ${ticketId}, unknown to tickets`);
    }
  }

  const replicaOrderById = new Map(replicaOrders.map((order) => [order.id, order]));
  const succeededByOrder = new Map<string, Payment[]>();
  for (const payment of payments) {
    if (payment.status !== 'succeeded') continue;
    succeededByOrder.set(payment.order_id, [...(succeededByOrder.get(payment.order_id) ?? []), payment]);
  }
  const orderIds = new Set(orders.map((order) => order.id));
  for (const order of orders) {
    const replica = replicaOrderById.get(order.id);
    if (!replica) {
      violations.push(`order ${order.id} (v${order.version}) never reached the payments replica`);
    } else if (
      replica.version !== order.version ||
      replica.status !== order.status ||
      replica.price_cents !== order.price_cents ||
      replica.total_cents !== order.total_cents
    ) {
      violations.push(
        `order ${order.id}: payments' replica is v${replica.version} ${replica.status} ${replica.price_cents}/${replica.total_cents}, orders has v${order.version} ${order.status} ${order.price_cents}/${order.total_cents}`,
      );
    }
    const succeeded = succeededByOrder.get(order.id) ?? [];
    const refunded = refundedOrders.has(order.id);
    const expected = order.status === 'complete' && !refunded ? 1 : 0;
    // A refund decided but not performed yet keeps its charge until the money is settled.
    if (succeeded.length !== expected && !(refunded && !moneySettled)) {
      violations.push(`order ${order.id} is ${order.status} with ${succeeded.length} succeeded payments`);
    }
    for (const payment of succeeded) {
      // The buyer is charged the all-in total: the ticket's price plus the buyer fee.
      if (replica && payment.amount !== replica.total_cents) {
        violations.push(`payment ${payment.id} charged ${payment.amount}, its order costs ${replica.total_cents}`);
      }
    }
  }
  for (const replica of replicaOrders) {
    if (!orderIds.has(replica.id) && !foreignIds.has(replica.id)) {
      violations.push(`payments' replica has order ${replica.id} that orders does not have`);
    }
  }

  violations.push(
    ...passViolations(
      orders,
      await observer.rows<Pass>(
        'passes',
        'select id, ticket_id, order_id, holder_id, generation, status, admitted_at, revoked_at from passes',
      ),
      refundedOrders,
      ordersFinal,
    ),
  );

  // The money ledger, from payments' records and from the gateway's.
  const net = (entries: { order_id: string; amount: number; kept: boolean }[]) => {
    const byOrder = new Map<string, number>();
    for (const { order_id, amount, kept } of entries)
      byOrder.set(order_id, (byOrder.get(order_id) ?? 0) + (kept ? amount : 0));
    return byOrder;
  };
  const recorded = net(
    payments
      .filter((payment) => payment.status === 'succeeded' || payment.status === 'refunded')
      .map((payment) => ({ ...payment, kept: payment.status === 'succeeded' })),
  );
  const taken = net(gatewayCharges.map((charge) => ({ ...charge, kept: !charge.refunded })));
  for (const order of orders) {
    // A refunded order nets zero, once its refund went through.
    if (refundedOrders.has(order.id) && !moneySettled) continue;
    const owed =
      order.status === 'complete' && !refundedOrders.has(order.id)
        ? (replicaOrderById.get(order.id)?.total_cents ?? 0)
        : 0;
    const ledgers =
      gatewayCharges.length > 0
        ? ([
            ['payments', recorded],
            ['the gateway', taken],
          ] as const)
        : ([['payments', recorded]] as const);
    for (const [where, ledger] of ledgers) {
      const kept = ledger.get(order.id) ?? 0;
      if (kept !== owed) {
        violations.push(
          `money: in ${where}, order ${order.id} (${order.status}) keeps ${kept} charged − refunded, expected ${owed}`,
        );
      }
    }
  }
  for (const charge of gatewayCharges) {
    if (!orderIds.has(charge.order_id) && !foreignIds.has(charge.order_id)) {
      violations.push(`money: the gateway charged ${charge.id} for order ${charge.order_id}, unknown to orders`);
    }
  }
  if (moneySettled) {
    for (const payment of payments) {
      if (payment.status === 'pending' || payment.status === 'errored') {
        violations.push(`money: payment ${payment.id} of order ${payment.order_id} is still ${payment.status}`);
      }
    }
    for (const refund of openRefunds) {
      violations.push(`money: refund ${refund.id} of payment ${refund.payment_id} is still open`);
    }
  }
  violations.push(
    ...payoutLedgerViolations({
      orders,
      payouts: payoutRows,
      transfers: transferRows,
      refundedOrders,
      sellerFeePercent: options.sellerFeePercent,
      moneySettled,
    }),
  );
  for (const orderId of succeededByOrder.keys()) {
    if (!orderIds.has(orderId) && !foreignIds.has(orderId)) {
      violations.push(`a succeeded payment belongs to order ${orderId}, unknown to orders`);
    }
  }
  return violations;
}

/**
 * No duplicate effect reached the stream and no state change is missing from it: one
 * ticket.created / order.created per entity, one ticket.updated / order.cancelled /
 * order.completed per (entity, version), one payment.created per payment and per order, one
 * payout.paid per payout and per order, one expiration.complete per order, each event id once — and every version the databases hold was
 * announced (versions 1…n of each ticket and order).
 */
export async function checkStream(observer: Observer, options: { foreignIds?: ReadonlySet<string> } = {}) {
  const foreignIds = options.foreignIds ?? new Set<string>();
  const events = await observer.streamEvents();
  const violations: string[] = [];
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const event of events) {
    const { id, version, orderId } = event.data as { id?: string; version?: number; orderId?: string };
    if (foreignIds.has(String(id)) || foreignIds.has(String(orderId))) continue;
    bump(`event id ${event.eventId}`);
    switch (event.subject) {
      case 'ticket.created':
      case 'order.created':
        bump(`${event.subject} of ${id}`);
        break;
      case 'ticket.updated':
      case 'order.cancelled':
      case 'order.completed':
        bump(`${event.subject.split('.')[0]} ${id} v${version}`);
        break;
      case 'payment.created':
        bump(`payment.created of payment ${id}`);
        bump(`payment.created for order ${orderId}`);
        break;
      case 'payment.refunded':
        // A sale is taken back once, however many ways its refund is told.
        bump(`payment.refunded for order ${orderId}`);
        break;
      case 'expiration.complete':
        bump(`expiration.complete of order ${orderId}`);
        break;
      case 'session.revoked':
        bump(`session.revoked of session ${(event.data as { sessionId?: string }).sessionId}`);
        break;
      case 'session.revoked-all':
        // A user may sign out everywhere again: only its event id must be unique.
        break;
      case 'event.created':
        bump(`event.created of ${id}`);
        break;
      case 'event.updated':
        bump(`event ${id} v${version}`);
        break;
      case 'pass.issued':
        bump(`pass.issued of ${id}`);
        bump(`pass.issued for order ${orderId}`);
        break;
      case 'pass.admitted':
      case 'pass.revoked':
      case 'pass.listed':
      case 'pass.unlisted':
        bump(`pass ${id} v${version}`);
        break;
      case 'payout.paid':
        // No payout is paid twice: one payout.paid per payout and per sale.
        bump(`payout.paid of payout ${id}`);
        bump(`payout.paid for order ${orderId}`);
        bump(`payout ${id} v${version}`);
        break;
      case 'pass.lock_refused': {
        const { listingId, listingVersion } = event.data as { listingId?: string; listingVersion?: number };
        bump(`pass.lock_refused of listing ${listingId} v${listingVersion}`);
        break;
      }
      case 'payout.cancelled':
      case 'payout.reversed':
        bump(`payout ${id} v${version}`);
        break;
      case 'claim.opened':
      case 'claim.resolved':
        bump(`claim ${id} v${version}`);
        break;
      default:
        violations.push(`unexpected subject ${event.subject} at seq ${event.seq}`);
    }
  }
  for (const [key, n] of counts) if (n > 1) violations.push(`${key} is on the stream ${n} times`);

  const [tickets, orders, passes] = await Promise.all([
    observer.rows<{ id: string; version: number }>('tickets', 'select id, version from tickets'),
    observer.rows<{ id: string; version: number }>('orders', 'select id, version from orders'),
    observer.rows<{ id: string; version: number; order_id: string }>(
      'passes',
      'select id, version, order_id from passes',
    ),
  ]);
  for (const pass of passes) {
    if (foreignIds.has(pass.order_id)) continue;
    if (!counts.has(`pass.issued of ${pass.id}`)) violations.push(`pass.issued of ${pass.id} is missing`);
    for (let v = 1; v <= pass.version; v++) {
      if (!counts.has(`pass ${pass.id} v${v}`)) violations.push(`pass ${pass.id} v${v} was never announced`);
    }
  }
  for (const ticket of tickets) {
    if (!counts.has(`ticket.created of ${ticket.id}`)) violations.push(`ticket.created of ${ticket.id} is missing`);
    for (let v = 1; v <= ticket.version; v++) {
      if (!counts.has(`ticket ${ticket.id} v${v}`)) violations.push(`ticket.updated ${ticket.id} v${v} is missing`);
    }
  }
  for (const order of orders) {
    if (!counts.has(`order.created of ${order.id}`)) violations.push(`order.created of ${order.id} is missing`);
    for (let v = 1; v <= order.version; v++) {
      if (!counts.has(`order ${order.id} v${v}`)) violations.push(`order ${order.id} v${v} was never announced`);
    }
  }
  return { events, violations };
}

/**
 * Settles, then checks the invariants and the stream; while something does not hold yet (a
 * timer about to fire, a redelivery after ack_wait), settles again, until `timeoutMs`. Throws
 * with every violation still present at the end.
 */
export async function expectConsistent(
  observer: Observer,
  options: InvariantOptions & { timeoutMs?: number } = {},
): Promise<StreamEvent[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let violations: string[] = [];
  for (;;) {
    await observer.settle(Math.max(1_000, deadline - Date.now()));
    const stream = await checkStream(observer, options);
    violations = [...(await checkInvariants(observer, options)), ...stream.violations];
    if (violations.length === 0) return stream.events;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const shown = violations.slice(0, 40).join('\n  ');
  throw new Error(`${violations.length} invariant violations:\n  ${shown}`);
}

/**
 * Passes: a ticket has at most one current pass (valid, listed or admitted), of its newest
 * generation; once the orders have settled, every completed order has exactly one pass, held by
 * its buyer, and every ticket sold has exactly one current pass, with every earlier generation
 * revoked. A resale listing is a ticket of its own, but the pass its buyer gets continues the
 * resold pass's chain (the same `ticket_id`, the next generation), so the chain's current pass is
 * the one of its last completed order. A revoked pass was never admitted after its revocation,
 * and no pass exists for an order that is not complete. A refunded sale undoes the pass: the pass
 * of a refunded order is revoked (unless it was admitted before the refund), so a chain whose
 * newest pass is a refunded one has no current pass.
 */
function passViolations(
  orders: SourceOrder[],
  passes: Pass[],
  refundedOrders: ReadonlySet<string>,
  settled: boolean,
): string[] {
  const violations: string[] = [];
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const byTicket = new Map<string, Pass[]>();
  for (const pass of passes) byTicket.set(pass.ticket_id, [...(byTicket.get(pass.ticket_id) ?? []), pass]);
  for (const pass of passes) {
    const order = orderById.get(pass.order_id);
    if (order && order.status !== 'complete') {
      violations.push(`pass ${pass.id} was issued for order ${pass.order_id}, which is ${order.status}`);
    }
    if (order && order.user_id !== pass.holder_id) {
      violations.push(
        `pass ${pass.id} is held by ${pass.holder_id}, but order ${order.id} was bought by ${order.user_id}`,
      );
    }
    if (pass.revoked_at && pass.admitted_at && pass.admitted_at > pass.revoked_at) {
      violations.push(`pass ${pass.id} was admitted after it was revoked`);
    }
    if (refundedOrders.has(pass.order_id) && (pass.status === 'valid' || pass.status === 'listed')) {
      violations.push(`pass ${pass.id} of refunded order ${pass.order_id} is still ${pass.status}`);
    }
  }
  for (const [ticketId, ofTicket] of byTicket) {
    const current = ofTicket.filter((pass) => pass.status !== 'revoked');
    if (current.length > 1) {
      violations.push(
        `ticket ${ticketId} has ${current.length} current passes: ${current.map((p) => p.id).join(', ')}`,
      );
    }
    const newest = Math.max(...ofTicket.map((pass) => pass.generation));
    for (const pass of ofTicket) {
      if (pass.generation < newest && pass.status !== 'revoked' && pass.status !== 'admitted') {
        violations.push(
          `pass ${pass.id} (generation ${pass.generation}) is ${pass.status} behind generation ${newest}`,
        );
      }
    }
  }
  if (settled) {
    const passesOfOrder = new Map<string, Pass[]>();
    for (const pass of passes) passesOfOrder.set(pass.order_id, [...(passesOfOrder.get(pass.order_id) ?? []), pass]);
    for (const order of orders) {
      if (order.status !== 'complete') continue;
      const issued = passesOfOrder.get(order.id) ?? [];
      if (issued.length !== 1) {
        violations.push(`order ${order.id} (ticket ${order.ticket_id}) is complete with ${issued.length} passes`);
        continue;
      }
      const pass = issued[0]!;
      const chain = byTicket.get(pass.ticket_id) ?? [];
      const current = chain.filter((link) => link.status !== 'revoked');
      const newest = chain.reduce((a, b) => (b.generation > a.generation ? b : a));
      const expected = refundedOrders.has(newest.order_id) && newest.status !== 'admitted' ? 0 : 1;
      if (current.length !== expected) {
        violations.push(
          `ticket ${pass.ticket_id}, sold by order ${order.id}, has ${current.length} current passes, expected ${expected}`,
        );
      }
    }
  }
  return violations;
}
