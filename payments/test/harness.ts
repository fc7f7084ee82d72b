import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ConsumerInfo, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  closeListeners,
  connectNats,
  createEvent,
  createLogger,
  createPublisher,
  durableName,
  type Event,
  type EventData,
  ensureDeadLetterStream,
  ensureStream,
  OrderStatus,
  OutboxRelay,
  openSessionRevocations,
  pendingOutboxCount,
  STREAM_NAME,
  type Subject,
  Subjects,
  serializeEvent,
  startListeners,
} from '@ticketing/common';
import {
  createTestDatabase,
  deliverAsGroup,
  readStreamEvents,
  STAND_IN_API_KEY,
  signin,
  startNatsServer,
  waitFor,
} from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import {
  type OrderHistoryRow,
  type OrderRow,
  orderHistory,
  orders,
  type PaymentRow,
  type PayoutRow,
  payments,
  payouts,
  type RefundRow,
  refunds,
  schema,
  stripeEvents,
} from '../src/db/schema';
import type { PaymentsDeps } from '../src/domain/deps';
import { createPaymentListeners } from '../src/events/payment-listeners';
import { type BreakerOptions, CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import type { PaymentGateway } from '../src/gateway/payment-gateway';
import { SandboxGateway } from '../src/gateway/sandbox.gateway';
import { StripeGateway } from '../src/gateway/stripe.gateway';
import { PaymentReconciler } from '../src/jobs/payment-reconciler';
import { PayoutScheduler, type PayoutSchedulerOptions } from '../src/jobs/payout-scheduler';
import { RefundWorker } from '../src/jobs/refund-worker';
import { createPaymentMetrics, type PaymentMetrics } from '../src/metrics';

export const JWT_KEY = 'payments-test-signing-key-0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_test_payments_secret';

/** The configuration of the app under test; DATABASE_URL is the test file's own database. */
export const baseConfig: Omit<Config, 'DATABASE_URL'> = {
  NODE_ENV: 'test',
  PORT: 0,
  HOST: '127.0.0.1',
  TRUST_PROXY: 'loopback',
  LOG_LEVEL: 'silent',
  JWT_KEY,
  NATS_URL: 'nats://127.0.0.1:4222',
  NATS_STREAM_REPLICAS: 1,
  EVENT_RETENTION_DAYS: 30,
  STREAM_MAX_BYTES: 1024 ** 3,
  GAP_HEAL_SECONDS: 60,
  STRIPE_KEY: undefined,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_URL: undefined,
  PAYMENT_CURRENCY: 'usd',
  GATEWAY_TIMEOUT_MS: 10_000,
  PAYMENTS_SANDBOX: false,
  ORDER_WAIT_MS: 0,
  RECONCILE_AFTER_SECONDS: 120,
  RECONCILE_INTERVAL_SECONDS: 0,
  SELLER_FEE_PERCENT: 5,
  PAYOUT_HOLD_HOURS: 48,
  PAYOUT_INTERVAL_SECONDS: 0,
  PAYOUT_MAX_ATTEMPTS: 5,
  OPERATOR_EMAILS: [],
  PAYOUT_LEASE_SECONDS: 300,
};

const migrationsFolder = path.join(__dirname, '..', 'migrations');

export interface PaymentsTestBedOptions {
  /** The gateway behind the breaker (default: the sandbox, on the test file's database). */
  gateway?: PaymentGateway;
  breaker?: BreakerOptions;
  /** The reconciler's threshold, also the refund worker's (default 120 s, as in production). */
  unsettledAfterMs?: number;
  /** How long a payment waits for an unknown order (default 0: at once 404). */
  orderWaitMs?: number;
  /** PAYOUT_HOLD_HOURS of the use cases (default 48, as in production). */
  payoutHoldHours?: number;
}

/** A StripeGateway aimed at the stand-in. */
export function standInGateway(url: string, options: { timeoutMs?: number; maxNetworkRetries?: number } = {}) {
  return new StripeGateway({
    apiKey: STAND_IN_API_KEY,
    apiUrl: url,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
  });
}

/**
 * One nats-server and one database per test file, wired like index.ts: the stream, a running
 * outbox relay, the gateway behind its breaker, and the service's listeners.
 */
export async function createPaymentsTestBed(options: PaymentsTestBedOptions = {}) {
  const logger = createLogger('payments', 'silent');
  const [nats, database] = await Promise.all([
    startNatsServer(),
    createTestDatabase({ schema, migrationsFolder, poolSize: 20 }),
  ]);
  const nc = await connectNats({ url: nats.url, name: 'payments-test', logger });
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
  const jsm = await jetstreamManager(nc);
  const publish = createPublisher(nc);
  const relay = new OutboxRelay({ db: database.db, publish, logger, pollIntervalMs: 50 });
  relay.start();
  const gateway = new CircuitBreakerGateway(
    options.gateway ?? new SandboxGateway({ db: database.db }),
    options.breaker,
  );
  const metrics = createPaymentMetrics(gateway, database.db);
  const unsettledAfterMs = options.unsettledAfterMs ?? 120_000;
  const deps: PaymentsDeps = {
    db: database.db,
    relay,
    gateway,
    metrics,
    logger,
    currency: 'usd',
    orderWaitMs: options.orderWaitMs ?? 0,
    sellerFeePercent: 5,
    payoutHoldHours: options.payoutHoldHours ?? 48,
    wakeRefunds: () => refundWorker.wake(),
  };
  // Fast retries, so a test sees several attempts within a second or two.
  const refundWorker = new RefundWorker({
    payments: deps,
    unsettledAfterMs,
    intervalMs: 50,
    retryBaseMs: 20,
    retryMaxMs: 200,
    deferMs: 50,
  });
  refundWorker.start();
  /** Not started: tests run it when they need it, at the time they choose. */
  const reconciler = new PaymentReconciler({ payments: deps, intervalMs: 0, unsettledAfterMs });
  const sessions = await openSessionRevocations({
    nc,
    logger,
    service: 'payments',
    db: database.db,
    refreshIntervalMs: 100,
    options: { nakDelayMs: 100 },
  });
  const listeners = [
    ...createPaymentListeners({ nc, logger, options: { nakDelayMs: 100 }, payments: deps }),
    ...sessions.listeners,
  ];
  await startListeners(listeners);
  const { db } = database;

  const bed = {
    db,
    deps,
    gateway,
    metrics,
    logger,
    nc,
    refundWorker,
    reconciler,
    app: (
      config: Partial<Config> = {},
      overrides: {
        gateway?: PaymentGateway;
        metrics?: PaymentMetrics;
        readiness?: Record<string, () => Promise<unknown>>;
        dependencies?: Record<string, () => Promise<unknown>>;
      } = {},
    ) => {
      // As in index.ts, the app, the listeners and the refund worker share one gateway.
      if (overrides.gateway) deps.gateway = overrides.gateway;
      return createApp({
        config: { ...baseConfig, DATABASE_URL: database.url, ...config },
        ...deps,
        metrics,
        revocations: sessions.revocations,
        readiness: { db: async () => undefined },
        ...overrides,
      });
    },

    /** Empties the tables and the stream and puts the bed's own gateway back; call it between tests. */
    async reset() {
      await refundWorker.stop();
      deps.gateway = gateway;
      // The previous test's outbox rows are published now, so the purge removes them too.
      await relay.drain();
      await database.truncate();
      await jsm.streams.purge(STREAM_NAME);
      refundWorker.start();
    },

    async close() {
      await refundWorker.stop();
      await closeListeners(listeners);
      await sessions.revocations.stop();
      await relay.stop();
      await gateway.close();
      await nc.close();
      await Promise.all([nats.stop(), database.close()]);
    },

    /**
     * An order in the replica, as if order.created had arrived; owned by `userId`. No buyer fee
     * unless `overrides` give one; its total follows the price and the fee.
     */
    async anOrder(overrides: Partial<OrderRow> = {}): Promise<OrderRow> {
      const priceCents = overrides.priceCents ?? 2050;
      const buyerFeeCents = overrides.buyerFeeCents ?? 0;
      const order: OrderRow = {
        id: randomUUID(),
        userId: randomUUID(),
        status: OrderStatus.Created,
        priceCents,
        buyerFeeCents,
        totalCents: priceCents + buyerFeeCents,
        sellerId: null,
        eventId: null,
        expiresAt: new Date(Date.now() + 15 * 60_000),
        version: 0,
        ...overrides,
      };
      await db.insert(orders).values(order);
      return order;
    },

    /** A payment stored directly, for states a test needs to start from. */
    async aPayment(order: OrderRow, overrides: Partial<PaymentRow> = {}): Promise<PaymentRow> {
      const [row] = await db
        .insert(payments)
        .values({
          id: randomUUID(),
          orderId: order.id,
          amount: order.totalCents,
          currency: 'usd',
          status: 'pending',
          attempt: 0,
          ...overrides,
        })
        .returning();
      return row as PaymentRow;
    },

    async order(id: string): Promise<OrderRow | undefined> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      return row;
    },

    async paymentsOf(orderId: string): Promise<PaymentRow[]> {
      return db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(payments.createdAt);
    },

    async refundsOf(orderId: string): Promise<RefundRow[]> {
      return db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(refunds.createdAt);
    },

    async payoutOf(orderId: string): Promise<PayoutRow | undefined> {
      const [row] = await db.select().from(payouts).where(eq(payouts.orderId, orderId));
      return row;
    },

    async historyOf(orderId: string): Promise<OrderHistoryRow[]> {
      return db.select().from(orderHistory).where(eq(orderHistory.orderId, orderId)).orderBy(orderHistory.at);
    },

    /**
     * A completed sale: the order in the replica (sold by `sellerId`, for `eventId`), then
     * order.completed as orders publishes it; resolves with the payout payments recorded.
     */
    async aSale(
      overrides: Partial<OrderRow> & { sellerId: string },
    ): Promise<{ order: OrderRow; ticketId: string; payout: PayoutRow }> {
      const order = await bed.anOrder({ status: OrderStatus.AwaitingPayment, ...overrides });
      const ticketId = randomUUID();
      await bed.publish(Subjects.OrderCompleted, {
        id: order.id,
        version: order.version + 1,
        ticket: { id: ticketId },
      });
      await waitFor(async () => (await bed.payoutOf(order.id)) !== undefined);
      return { order, ticketId, payout: (await bed.payoutOf(order.id))! };
    },

    /** A payout scheduler on the bed's use cases, not started, with quick retries (tests call runOnce). */
    payoutScheduler(
      options: Partial<Omit<PayoutSchedulerOptions, 'payments'>> & {
        holdHours?: number;
        gateway?: PaymentGateway;
      } = {},
    ): PayoutScheduler {
      const { holdHours = 0, gateway: own, ...rest } = options;
      return new PayoutScheduler({
        payments: { ...deps, payoutHoldHours: holdHours, ...(own ? { gateway: own } : {}) },
        intervalMs: 0,
        retryBaseMs: 1,
        retryMaxMs: 5,
        ...rest,
      });
    },

    async stripeEventIds(): Promise<string[]> {
      return (await db.select({ id: stripeEvents.id }).from(stripeEvents)).map((row) => row.id);
    },

    /** Publishes an event the way another service would (msgID = eventId). */
    async publish<S extends Subject>(subject: S, data: EventData<S>): Promise<Event<S>> {
      const event = createEvent(subject, data);
      await publish(event);
      return event;
    },

    /** Publishes an event again without msgID, so JetStream delivers it a second time (a redelivery). */
    async publishAgain(event: Event): Promise<void> {
      await jetstream(nc).publish(event.subject, serializeEvent(event));
    },

    /** The events of `subject` on the stream (about order `orderId` when given), once the outbox is empty. */
    async published<S extends Subject>(subject: S, orderId?: string): Promise<Event<S>[]> {
      await waitFor(async () => (await pendingOutboxCount(db)) === 0);
      return (await readStreamEvents(nc, subject)).filter((event) => {
        const data = event.data as { id?: string; orderId?: string };
        return orderId === undefined || data.orderId === orderId || data.id === orderId;
      });
    },

    paymentsCreated(orderId?: string) {
      return bed.published(Subjects.PaymentCreated, orderId);
    },

    consumer(subject: Subject): Promise<ConsumerInfo> {
      return jsm.consumers.info(STREAM_NAME, durableName('payments', subject));
    },

    /**
     * Has the consumer of `subject` take `group` as one group behind `first` (see common/testing's
     * deliverAsGroup); resolves once the group has arrived.
     */
    async deliverAsGroup<S extends Subject>(
      table: string,
      subject: S,
      first: EventData<S>,
      group: readonly EventData<S>[],
    ): Promise<void> {
      await deliverAsGroup({
        db: database.db,
        table,
        ackPending: async () => (await bed.consumer(subject)).num_ack_pending,
        publishFirst: () => bed.publish(subject, first),
        publishGroup: async () => {
          for (const data of group) await bed.publish(subject, data);
        },
        size: group.length,
      });
    },

    /** Resolves once the listener of `subject` has handled and acked everything published to it. */
    async settled(subject: Subject): Promise<void> {
      await waitFor(async () => {
        const info = await bed.consumer(subject);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
    },
  };
  return bed;
}

export type PaymentsTestBed = Awaited<ReturnType<typeof createPaymentsTestBed>>;

/** A signed-in user: their id and session cookie. */
export function aUser() {
  const id = randomUUID();
  return { id, cookie: signin({ jwtKey: JWT_KEY, id }) };
}

/** A Stripe event as Stripe would post it, and the headers that sign it with `secret`. */
export function signedStripeEvent(
  type: string,
  object: Record<string, unknown>,
  { id = `evt_${randomUUID().replaceAll('-', '')}`, secret = WEBHOOK_SECRET }: { id?: string; secret?: string } = {},
) {
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    type,
    data: { object },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return { id, payload, signature };
}

/** A PaymentIntent object as Stripe puts it in payment_intent.* events. */
export function aPaymentIntent(overrides: Record<string, unknown> = {}) {
  return {
    id: `pi_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    object: 'payment_intent',
    amount: 2050,
    currency: 'usd',
    status: 'succeeded',
    metadata: {},
    last_payment_error: null,
    ...overrides,
  };
}
