import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  closeRedisConnection,
  connectNats,
  createEvent,
  createPublisher,
  createRedisConnection,
  ensureStream,
  natsReadiness,
  OrderStatus,
  type Publisher,
  publishEvent,
  redisReadiness,
  STREAM_NAME,
  Subjects,
} from '@ticketing/common';
import {
  type NatsServerHandle,
  type RedisServerHandle,
  startNatsServer,
  startRedisServer,
  waitFor,
} from '@ticketing/common/testing';
import pino, { type Logger } from 'pino';
import type { Counter } from 'prom-client';
import { createApp } from '../src/app';
import { OrderCreatedListener } from '../src/events/listeners/order-created.listener';
import { createExpirationMetrics } from '../src/metrics';
import { closeExpirationWorker, createExpirationWorker } from '../src/queue/expiration.worker';
import { createExpirationQueue, type RetryPolicy } from '../src/queue/expiration-queue';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its lines in memory, so tests can assert what was logged. */
export function memoryLogger(): { logger: Logger; lines: LogLine[]; has(msg: string): boolean } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, has: (msg) => lines.some((line) => line.msg === msg) };
}

export interface ServiceOptions {
  /** Retry policy of the jobs this instance schedules. */
  retry?: RetryPolicy;
  /** Time-out of a publish's acknowledgement (the service uses nats' 5 s). */
  publishTimeoutMs?: number;
  /** What the worker publishes with, instead of the service's JetStream publisher. */
  workerPublish?: Publisher;
}

/**
 * One instance of the expiration service, wired as src/index.ts wires it (own Redis connections,
 * own NATS connection, queue, worker, listener, app) but without listening on a port.
 */
export async function startService(servers: { natsUrl: string; redisUrl: string }, options: ServiceOptions = {}) {
  const log = memoryLogger();
  const { logger } = log;
  const redis = { url: servers.redisUrl, logger };
  const queueRedis = createRedisConnection({ ...redis, name: 'expiration-queue', maxRetriesPerRequest: 2 });
  const workerRedis = createRedisConnection({ ...redis, name: 'expiration-worker', maxRetriesPerRequest: null });
  const nc = await connectNats({ url: servers.natsUrl, name: 'expiration', logger, timeoutMs: 5_000 });
  await ensureStream(nc);
  const queue = createExpirationQueue(queueRedis, logger);
  const metrics = createExpirationMetrics({ queue, redis: queueRedis });
  const publish = createPublisher(nc, { expect: { streamName: STREAM_NAME }, timeoutMs: options.publishTimeoutMs });
  const worker = createExpirationWorker({
    connection: workerRedis,
    publish: options.workerPublish ?? publish,
    metrics,
    logger,
  });
  const scheduler = { queue, metrics, logger, retry: options.retry };
  const listener = new OrderCreatedListener({
    nc,
    service: 'expiration',
    logger,
    scheduler,
    options: { nakDelayMs: 200 },
  });
  await listener.listen();
  const app = createApp({
    logger,
    metrics,
    dependencies: { redis: redisReadiness(queueRedis), nats: natsReadiness(nc) },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    // The same steps, in the same order, as the service's graceful shutdown.
    stopped ??= (async () => {
      await listener.close();
      await closeExpirationWorker(worker, workerRedis);
      await queue.close();
      await nc.drain();
      await Promise.all([closeRedisConnection(queueRedis), closeRedisConnection(workerRedis)]);
    })();
    return stopped;
  };
  /**
   * Dies as a killed process would: nothing is finished or released (a running job keeps its
   * lock until the lock lapses); its connections just drop.
   */
  const crash = () => {
    stopped ??= (async () => {
      await worker.close(true);
      queueRedis.disconnect();
      workerRedis.disconnect();
      await nc.close();
    })();
    return stopped;
  };
  return { app, queue, worker, listener, metrics, scheduler, publish, nc, queueRedis, workerRedis, log, stop, crash };
}

export type RunningService = Awaited<ReturnType<typeof startService>>;

/** A real nats-server and redis-server for one test file, and the services started on them. */
export async function createExpirationTestBed() {
  const [nats, redis]: [NatsServerHandle, RedisServerHandle] = await Promise.all([
    startNatsServer(),
    startRedisServer(),
  ]);
  const nc = await connectNats({ url: nats.url, name: 'expiration-test', logger: pino({ level: 'silent' }) });
  await ensureStream(nc);
  const js = jetstream(nc);
  const services: RunningService[] = [];

  return {
    nats,
    redis,
    nc,
    async startService(options?: ServiceOptions) {
      const service = await startService({ natsUrl: nats.url, redisUrl: redis.url }, options);
      services.push(service);
      return service;
    },
    /** Publishes order.created as the orders service would. */
    async publishOrderCreated(order: Partial<OrderFixture> = {}) {
      const event = orderCreatedEvent(order);
      await publishEvent(js, event);
      return event;
    },
    /** Every expiration.complete in the stream (for one order when given), read with a consumer. */
    expirationEvents: (orderId?: string) => readExpirationEvents(nc, orderId),
    /** Stops the services still running. */
    async stopServices() {
      await Promise.all(services.splice(0).map((service) => service.stop()));
    },
    async close() {
      await Promise.all(services.splice(0).map((service) => service.stop()));
      await nc.close();
      await Promise.all([nats.stop(), redis.stop()]);
    },
  };
}

export type ExpirationTestBed = Awaited<ReturnType<typeof createExpirationTestBed>>;

export interface OrderFixture {
  orderId: string;
  /** Milliseconds from now (negative: already past). */
  expiresInMs: number;
  correlationId: string;
}

export function orderCreatedEvent({
  orderId = randomUUID(),
  expiresInMs = 15 * 60_000,
  correlationId = `req-${randomUUID()}`,
}: Partial<OrderFixture> = {}) {
  return createEvent(
    Subjects.OrderCreated,
    {
      id: orderId,
      version: 0,
      status: OrderStatus.Created,
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      ticket: { id: randomUUID(), price: 2_000 },
    },
    { correlationId },
  );
}

export interface ReceivedExpiration {
  orderId: string;
  eventId: string;
  correlationId: string;
  occurredAt: string;
  /** The JetStream msgID it was published with. */
  msgId: string | undefined;
}

async function readExpirationEvents(nc: NatsConnection, orderId?: string): Promise<ReceivedExpiration[]> {
  const subject = Subjects.ExpirationComplete;
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(STREAM_NAME, { subjects_filter: subject });
  const count = info.state.subjects?.[subject] ?? 0;
  if (count === 0) return [];
  const consumer = await jetstream(nc).consumers.get(STREAM_NAME, { filter_subjects: subject });
  const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
  const received: ReceivedExpiration[] = [];
  for await (const msg of messages) {
    const body = msg.json<{ eventId: string; correlationId: string; occurredAt: string; data: { orderId: string } }>();
    received.push({
      orderId: body.data.orderId,
      eventId: body.eventId,
      correlationId: body.correlationId,
      occurredAt: body.occurredAt,
      msgId: msg.headers?.get('Nats-Msg-Id'),
    });
  }
  return orderId ? received.filter((event) => event.orderId === orderId) : received;
}

/** Every job of the queue, in any state, that belongs to the order. */
export async function jobsOfOrder(service: RunningService, orderId: string) {
  const jobs = await service.queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed']);
  return jobs.filter((job) => job?.data.orderId === orderId);
}

/** Waits until the order's job is in `state`, then reads it (after a final state, its fields are final too). */
export async function waitForJob(service: RunningService, orderId: string, state: 'active' | 'completed' | 'failed') {
  await waitFor(async () => (await service.queue.getJobState(orderId)) === state);
  const job = await service.queue.getJob(orderId);
  if (!job) throw new Error(`job ${orderId} vanished`);
  return job;
}

/** The current value of one of the service's counters. */
export async function counterValue(counter: Counter): Promise<number> {
  return (await counter.get()).values[0]?.value ?? 0;
}
