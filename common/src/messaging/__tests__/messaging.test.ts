import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JetStreamManager, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import pino, { type Logger } from 'pino';
import { createEvent, type EventData, STREAM_NAME, STREAM_SUBJECTS, Subjects } from '../../events';
import { type NatsServerHandle, startNatsServer } from '../../testing/nats-server';
import { freePort } from '../../testing/processes';
import { waitFor } from '../../testing/wait-for';
import { connectNats } from '../connect';
import { loadConsumerPosition } from '../consumer-positions';
import { deleteDeadLetter, ensureDeadLetterStream, listDeadLetters, readDeadLetter } from '../dead-letters';
import { natsReadiness } from '../health';
import {
  type BatchItem,
  closeListeners,
  durableName,
  Listener,
  type ListenerOptions,
  type MessageContext,
  startListeners,
} from '../listener';
import { createPublisher, EventHeaders, publishEvent } from '../publisher';
import { RetryLaterError } from '../retry-later-error';
import { ensureStream } from '../stream';

type TicketCreated = typeof Subjects.TicketCreated;

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its lines in memory, so tests can assert what was logged. */
function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

interface Call {
  eventId: string;
  redeliveryCount: number;
  at: number;
}

/** A ticket.created listener whose behaviour each test sets through `handler`. */
class TicketCreatedTestListener extends Listener<TicketCreated> {
  readonly subject = Subjects.TicketCreated;
  readonly calls: Call[] = [];
  handler: (data: EventData<TicketCreated>, context: MessageContext<TicketCreated>) => Promise<void> = async () => {};

  protected async onMessage(data: EventData<TicketCreated>, context: MessageContext<TicketCreated>): Promise<void> {
    this.calls.push({ eventId: context.event.eventId, redeliveryCount: context.redeliveryCount, at: Date.now() });
    await this.handler(data, context);
  }
}

/** A ticket.created listener that also applies groups: `handled` lists each group's or lone event's ids, in order. */
class BatchingTestListener extends TicketCreatedTestListener {
  readonly handled: string[][] = [];
  readonly attempts: string[][] = [];
  batchHandler: (items: readonly BatchItem<TicketCreated>[]) => Promise<void> = async () => {};

  protected override async onMessage(
    data: EventData<TicketCreated>,
    context: MessageContext<TicketCreated>,
  ): Promise<void> {
    await super.onMessage(data, context);
    this.handled.push([context.event.eventId]);
  }

  protected override async applyBatch(items: readonly BatchItem<TicketCreated>[]): Promise<void> {
    const ids = items.map((item) => item.event.eventId);
    this.attempts.push(ids);
    await this.batchHandler(items);
    this.handled.push(ids);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const ticketCreated = (options: { eventId?: string; correlationId?: string; id?: string } = {}) =>
  createEvent(
    Subjects.TicketCreated,
    { id: options.id ?? randomUUID(), version: 0, title: 'Concert', price: 2050, userId: randomUUID() },
    options,
  );

jest.setTimeout(20_000);

let server: NatsServerHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;
const log = memoryLogger();
const started: Listener<TicketCreated>[] = [];
let serviceCounter = 0;

/** A listener (closed after the test); a fresh service name gives a fresh durable. */
function newListener(options: ListenerOptions = {}, service = `svc-${++serviceCounter}`): TicketCreatedTestListener {
  const listener = new TicketCreatedTestListener({
    nc,
    service,
    logger: log.logger,
    options: { nakDelayMs: 50, ...options },
  });
  started.push(listener);
  return listener;
}

async function startListener(options: ListenerOptions = {}, service?: string): Promise<TicketCreatedTestListener> {
  const listener = newListener(options, service);
  await listener.listen();
  return listener;
}

const consumerInfo = (listener: Listener<TicketCreated>) => jsm.consumers.info(STREAM_NAME, listener.durableName);

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'messaging-test', logger: log.logger, timeoutMs: 5_000 });
  jsm = await jetstreamManager(nc);
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
});

beforeEach(async () => {
  await jsm.streams.purge(STREAM_NAME);
  log.lines.length = 0;
});

afterEach(async () => {
  await closeListeners(started.splice(0));
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('connectNats', () => {
  it('when nothing listens on the port, then it fails within the time-out with a clear message', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    await expect(
      connectNats({ url: `nats://127.0.0.1:${port}`, name: 'nobody', logger: log.logger, timeoutMs: 1_000 }),
    ).rejects.toThrow(new RegExp(`^Could not connect to NATS at nats://127\\.0\\.0\\.1:${port} within 1 s: .+`));
    expect(Date.now() - startedAt).toBeLessThan(2_500);
    expect(log.lines.some((line) => line.msg === 'NATS not reachable yet, retrying')).toBe(true);
  });

  it('when the connection is healthy, then readiness passes; when it is closed, readiness throws', async () => {
    const own = await connectNats({ url: server.url, name: 'readiness', logger: log.logger });
    const ready = natsReadiness(own);
    await expect(ready()).resolves.toBeUndefined();
    await own.close();
    await expect(ready()).rejects.toThrow('NATS connection is closed');
    await waitFor(() => log.lines.some((line) => line.msg === 'NATS connection closed'));
  });
});

describe('ensureStream', () => {
  it('when the stream is ensured twice, then it has the contract configuration and is left unchanged', async () => {
    const first = await ensureStream(nc);
    const second = await ensureStream(nc);
    expect(first.config).toMatchObject({
      name: STREAM_NAME,
      subjects: [...STREAM_SUBJECTS],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(120_000),
      num_replicas: 1,
    });
    expect(second.created).toEqual(first.created);
  });

  it('when two services create the same stream at once, then both succeed and one stream exists', async () => {
    const [a, b] = await Promise.all([
      ensureStream(nc, { name: 'RACE', subjects: ['race.>'] }),
      ensureStream(nc, { name: 'RACE', subjects: ['race.>'] }),
    ]);
    expect(a.created).toEqual(b.created);
    expect((await jsm.streams.info('RACE')).config.subjects).toEqual(['race.>']);
  });

  it('when two services race with different subjects, then both succeed without an error', async () => {
    const results = await Promise.all([
      ensureStream(nc, { name: 'RACE2', subjects: ['race2.a'] }),
      ensureStream(nc, { name: 'RACE2', subjects: ['race2.a', 'race2.b'] }),
    ]);
    expect(results).toHaveLength(2);
    const subjects = (await jsm.streams.info('RACE2')).config.subjects;
    expect([['race2.a'], ['race2.a', 'race2.b']]).toContainEqual(subjects);
  });

  it('when it is created, then it is bounded: 30 days and 1 GiB by default, or what the service is configured with', async () => {
    const bounded = await ensureStream(nc, { name: 'BOUNDED', subjects: ['bounded.>'] });
    expect(bounded.config).toMatchObject({ max_age: nanos(30 * 86_400_000), max_bytes: 1024 ** 3 });
    const tighter = await ensureStream(nc, {
      name: 'BOUNDED',
      subjects: ['bounded.>'],
      maxAgeMs: 60_000,
      maxBytes: 2 ** 20,
    });
    expect(tighter.config).toMatchObject({ max_age: nanos(60_000), max_bytes: 2 ** 20 });
    await jsm.streams.delete('BOUNDED');
  });

  it('when an event is older than max_age, then the stream drops it', async () => {
    await ensureStream(nc, { name: 'SHORT', subjects: ['short.>'], maxAgeMs: 1_000 });
    await jetstream(nc).publish('short.lived', 'gone soon');
    expect((await jsm.streams.info('SHORT')).state.messages).toBe(1);

    await waitFor(async () => (await jsm.streams.info('SHORT')).state.messages === 0, { timeoutMs: 10_000 });
    await jsm.streams.delete('SHORT');
  });

  it('when the subjects or the duplicate window change, then the existing stream is updated', async () => {
    await ensureStream(nc, { name: 'GROWING', subjects: ['grow.a'] });
    const updated = await ensureStream(nc, {
      name: 'GROWING',
      subjects: ['grow.a', 'grow.b'],
      duplicateWindowMs: 300_000,
    });
    expect(updated.config.subjects).toEqual(['grow.a', 'grow.b']);
    expect(updated.config.duplicate_window).toBe(nanos(300_000));
  });
});

describe('publishEvent', () => {
  it('when the same event is published twice, then the server keeps it once and it is delivered once', async () => {
    const listener = await startListener();
    const event = ticketCreated({ correlationId: 'req-42' });
    const js = jetstream(nc);

    const first = await publishEvent(js, event, { expect: { streamName: STREAM_NAME } });
    const second = await publishEvent(js, event);

    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, stream: STREAM_NAME });
    const stored = await jsm.streams.getMessage(STREAM_NAME, { seq: first.seq });
    expect(stored).not.toBeNull();
    expect(stored?.header.get(EventHeaders.EventId)).toBe(event.eventId);
    expect(stored?.header.get(EventHeaders.CorrelationId)).toBe('req-42');
    expect(stored?.header.get('Nats-Msg-Id')).toBe(event.eventId);
    expect(stored?.json()).toMatchObject({ eventId: event.eventId, data: event.data });

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === first.seq);
    expect(listener.calls.map((call) => call.eventId)).toEqual([event.eventId]);
  });

  it('when the expected stream is wrong, then the publish is rejected', async () => {
    const publish = createPublisher(nc, { expect: { streamName: 'ELSEWHERE' }, timeoutMs: 2_000 });
    await expect(publish(ticketCreated())).rejects.toThrow(/stream/i);
    await expect(createPublisher(nc)(ticketCreated())).resolves.toMatchObject({ stream: STREAM_NAME });
  });
});

describe('Listener', () => {
  it('when the handler is still running, then the message stays unacknowledged until it resolves', async () => {
    const gate = deferred();
    const listener = await startListener({}, 'tickets');
    expect(listener.durableName).toBe('tickets-ticket-created');
    expect(durableName('orders', Subjects.OrderCancelled)).toBe('orders-order-cancelled');
    listener.handler = () => gate.promise;
    const ack = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(() => listener.calls.length === 1);
    expect((await consumerInfo(listener)).num_ack_pending).toBe(1);

    gate.resolve();
    await waitFor(async () => (await consumerInfo(listener)).num_ack_pending === 0);
    const info = await consumerInfo(listener);
    expect(info.ack_floor.stream_seq).toBe(ack.seq);
    expect(info.num_redelivered).toBe(0);
  });

  it('when the handler fails, then the event is redelivered and the second attempt is acked', async () => {
    const listener = await startListener();
    listener.handler = async (_data, { redeliveryCount }) => {
      if (redeliveryCount === 0) throw new Error('database unavailable');
    };
    const event = ticketCreated({ correlationId: 'corr-fail' });
    const ack = await publishEvent(jetstream(nc), event);

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === ack.seq);
    expect(listener.calls.map((call) => call.redeliveryCount)).toEqual([0, 1]);
    const failure = log.lines.find((line) => line.msg === 'handler failed; retrying');
    expect(failure).toMatchObject({ eventId: event.eventId, correlationId: 'corr-fail', seq: ack.seq, level: 50 });
  });

  it('when a handler keeps failing, then the event is retried with growing delays, parked as a dead letter after max deliveries, and later events flow', async () => {
    const listener = await startListener({ maxDeliver: 3, nakDelayMs: 100 });
    const poison = ticketCreated({ correlationId: 'corr-poison' });
    listener.handler = async (_data, { event }) => {
      if (event.eventId === poison.eventId) throw new Error('database constraint says no');
    };
    const poisonAck = await publishEvent(jetstream(nc), poison);
    const next = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === next.seq);
    const poisonCalls = listener.calls.filter((call) => call.eventId === poison.eventId);
    expect(poisonCalls.map((call) => call.redeliveryCount)).toEqual([0, 1, 2]);
    // 100 ms, then 200 ms: each retry waits twice as long as the one before.
    const [first, second, third] = poisonCalls.map((call) => call.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(90);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(190);
    expect(listener.calls.some((call) => call.eventId !== poison.eventId)).toBe(true);

    const [letter, ...others] = await listDeadLetters(nc, { service: listener.service });
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      service: listener.service,
      consumer: listener.durableName,
      subject: Subjects.TicketCreated,
      streamSeq: poisonAck.seq,
      deliveries: 3,
      error: 'database constraint says no',
      event: { eventId: poison.eventId, correlationId: 'corr-poison' },
    });
    expect(log.lines.find((line) => line.msg === 'event parked as a dead letter')).toMatchObject({
      seq: poisonAck.seq,
    });
    expect((await consumerInfo(listener)).num_ack_pending).toBe(0);
  });

  it('when a parked event is replayed after its cause is fixed, then the handler runs it and it can be dropped', async () => {
    const listener = await startListener({ maxDeliver: 1 });
    let fixed = false;
    listener.handler = async () => {
      if (!fixed) throw new Error('not yet');
    };
    const event = ticketCreated();
    await publishEvent(jetstream(nc), event);
    await waitFor(async () => (await listDeadLetters(nc, { service: listener.service })).length === 1);
    const [letter] = await listDeadLetters(nc, { service: listener.service });

    await expect(listener.replay(letter!.event, new Date(letter!.parkedAt))).rejects.toThrow('not yet');
    fixed = true;
    await listener.replay(letter!.event, new Date(letter!.parkedAt));

    expect(listener.calls.map((call) => call.eventId)).toEqual([event.eventId, event.eventId, event.eventId]);
    expect(await deleteDeadLetter(jsm, letter!.seq)).toBe(true);
    expect(await readDeadLetter(jsm, letter!.seq)).toBeUndefined();
    await expect(listener.replay({ not: 'an event' }, new Date())).rejects.toThrow(/contract/);
  });

  it('when an event stays "not applicable yet" for too long, then it is parked instead of retried forever', async () => {
    const listener = await startListener({ maxEarlyDeliveries: 3 });
    listener.handler = async () => {
      throw new RetryLaterError('version 7 is ahead of local version 2', 100);
    };
    const ack = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(async () => (await listDeadLetters(nc, { service: listener.service })).length === 1);
    const [letter] = await listDeadLetters(nc, { service: listener.service });
    expect(letter).toMatchObject({
      streamSeq: ack.seq,
      error: expect.stringMatching(/^still not applicable after 3 deliveries \(\d+ s\): version 7/),
    });
    expect(listener.calls).toHaveLength(3);
  });

  it('when an early event is delivered more often than maxDeliver, then it is not taken for a handler that crashed', async () => {
    const listener = await startListener({ maxDeliver: 2, nakDelayMs: 20 });
    listener.handler = async () => {
      if (listener.calls.length <= 4) throw new RetryLaterError('the previous version has not arrived', 20);
    };
    const ack = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === ack.seq);
    expect(listener.calls).toHaveLength(5);
    expect(await listDeadLetters(nc, { service: listener.service })).toEqual([]);
  });

  it('when a handler runs longer than ack_wait, then the message is kept in progress and not handed to another replica', async () => {
    const service = `svc-${++serviceCounter}`;
    const ackWaitMs = 1_000;
    const a = await startListener({ ackWaitMs, batchSize: 1 }, service);
    const b = await startListener({ ackWaitMs, batchSize: 1 }, service);
    const slow = async () => new Promise<void>((resolve) => setTimeout(resolve, 2_500));
    a.handler = slow;
    b.handler = slow;

    const ack = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(async () => (await consumerInfo(a)).ack_floor.stream_seq === ack.seq, { timeoutMs: 10_000 });
    expect(a.calls.length + b.calls.length).toBe(1);
    expect((await consumerInfo(a)).num_redelivered).toBe(0);
  });

  it('when its durable is deleted and the listener starts again, then it resumes after the position it saved, not at the start of the stream', async () => {
    const service = `svc-${++serviceCounter}`;
    const first = await startListener({ positionIntervalMs: 100 }, service);
    const early = await publishEvent(jetstream(nc), ticketCreated());
    await waitFor(async () => (await consumerInfo(first)).ack_floor.stream_seq === early.seq);
    await first.close();
    expect(await loadConsumerPosition(nc, first.service, first.durableName)).toBe(early.seq);
    await jsm.consumers.delete(STREAM_NAME, first.durableName);

    const later = ticketCreated();
    await publishEvent(jetstream(nc), later);
    const again = await startListener({}, service);

    await waitFor(() => again.calls.length === 1);
    expect(again.calls.map((call) => call.eventId)).toEqual([later.eventId]);
    expect((await consumerInfo(again)).config).toMatchObject({ opt_start_seq: early.seq + 1 });
  });

  it('when the handler asks to retry later, then the event is nacked with that delay and redelivered', async () => {
    const listener = await startListener();
    listener.handler = async (_data, { redeliveryCount }) => {
      if (redeliveryCount === 0) throw new RetryLaterError('version 2 is ahead of local version 0', 300);
    };
    const ack = await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === ack.seq);
    const [first, second] = listener.calls;
    expect(listener.calls).toHaveLength(2);
    expect(second?.redeliveryCount).toBe(1);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(250);
    expect(log.lines.find((line) => line.msg === 'event not applicable yet; retrying later')).toMatchObject({
      level: 30,
      delayMs: 300,
    });
  });

  it('when a payload is not JSON or breaks the contract, then it is terminated and never redelivered', async () => {
    const ackWaitMs = 300;
    const listener = await startListener({ ackWaitMs });
    const js = jetstream(nc);
    const notJson = await js.publish(Subjects.TicketCreated, new TextEncoder().encode('{not json'));
    const invalid = { ...ticketCreated(), data: { id: 'not-a-uuid', price: -1 } };
    const badSchema = await js.publish(Subjects.TicketCreated, new TextEncoder().encode(JSON.stringify(invalid)));

    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === badSchema.seq);
    const terminated = log.lines.filter((line) => line.msg === 'malformed event terminated');
    expect(terminated.map((line) => line.seq)).toEqual([notJson.seq, badSchema.seq]);
    expect(terminated[0]).toMatchObject({
      subject: Subjects.TicketCreated,
      level: 40,
      reason: expect.stringContaining('not JSON'),
    });
    expect(terminated[1]).toMatchObject({ reason: expect.stringContaining('contract') });
    // Parked too, so an operator sees them.
    expect((await listDeadLetters(nc, { service: listener.service })).map((letter) => letter.streamSeq)).toEqual([
      notJson.seq,
      badSchema.seq,
    ]);

    // Terminated means done for the server: nothing is pending, so ack_wait cannot bring them
    // back. Let ack_wait pass twice over, then check that only the next event was delivered.
    const terminatedAt = Date.now();
    await waitFor(() => Date.now() - terminatedAt > 2 * ackWaitMs);
    const valid = await publishEvent(js, ticketCreated());
    await waitFor(async () => (await consumerInfo(listener)).ack_floor.stream_seq === valid.seq);
    const info = await consumerInfo(listener);
    expect(info).toMatchObject({ num_ack_pending: 0, num_redelivered: 0, num_pending: 0 });
    expect(info.delivered.consumer_seq).toBe(3);
    expect(listener.calls).toHaveLength(1);
  });

  it('when two replicas of a service listen, then they share one durable and each event is handled once', async () => {
    const service = `svc-${++serviceCounter}`;
    const a = await startListener({ batchSize: 1 }, service);
    await a.listen(); // a second call is a no-op
    const b = await startListener({ batchSize: 1 }, service);
    const publish = createPublisher(nc);
    const events = Array.from({ length: 20 }, () => ticketCreated());
    for (const event of events) await publish(event);

    await waitFor(() => a.calls.length + b.calls.length >= events.length);
    await waitFor(async () => (await consumerInfo(a)).num_ack_pending === 0);
    const handled = [...a.calls, ...b.calls].map((call) => call.eventId).sort();
    expect(handled).toEqual(events.map((event) => event.eventId).sort());
    const durables: string[] = [];
    for await (const consumer of jsm.consumers.list(STREAM_NAME)) durables.push(consumer.name);
    expect(durables.filter((name) => name.startsWith(`${service}-`))).toEqual([a.durableName]);
  });

  it('when two services listen, then each service gets every event', async () => {
    const orders = newListener({}, 'orders');
    const payments = newListener({}, 'payments');
    await startListeners([orders, payments]);
    const events = [ticketCreated(), ticketCreated(), ticketCreated()];
    for (const event of events) await publishEvent(jetstream(nc), event);

    await waitFor(() => orders.calls.length === 3 && payments.calls.length === 3);
    expect(orders.calls.map((call) => call.eventId)).toEqual(events.map((event) => event.eventId));
    expect(payments.calls.map((call) => call.eventId)).toEqual(events.map((event) => event.eventId));
  });

  it('when events of other entities arrive while a handler runs, then they are handled side by side, up to the concurrency', async () => {
    const gate = deferred();
    const listener = await startListener({ concurrency: 2 });
    listener.handler = () => gate.promise;
    for (let i = 0; i < 3; i++) await publishEvent(jetstream(nc), ticketCreated());

    await waitFor(() => listener.calls.length === 2);
    expect((await consumerInfo(listener)).num_ack_pending).toBe(3);
    expect(listener.calls).toHaveLength(2); // the third waits for a free slot

    gate.resolve();
    await waitFor(async () => (await consumerInfo(listener)).num_ack_pending === 0);
    expect(listener.calls).toHaveLength(3);
  });

  it('when two events of one entity arrive, then the second is handled only after the first, in their order', async () => {
    const gate = deferred();
    const listener = await startListener({ concurrency: 4 });
    const id = randomUUID();
    const first = ticketCreated({ id });
    const second = ticketCreated({ id });
    const other = ticketCreated();
    listener.handler = async (_data, { event }) => {
      if (event.eventId === first.eventId) await gate.promise;
    };
    for (const event of [first, second, other]) await publishEvent(jetstream(nc), event);

    await waitFor(() => listener.calls.some((call) => call.eventId === other.eventId));
    expect(listener.calls.map((call) => call.eventId)).not.toContain(second.eventId);

    gate.resolve();
    await waitFor(() => listener.calls.some((call) => call.eventId === second.eventId));
    const order = listener.calls.map((call) => call.eventId);
    expect(order.indexOf(first.eventId)).toBeLessThan(order.indexOf(second.eventId));
  });

  it('when closed mid-handler, then the handler finishes and is acked, and pulled-ahead events go back', async () => {
    const gate = deferred();
    const service = `svc-${++serviceCounter}`;
    const listener = await startListener({}, service);
    listener.handler = () => gate.promise;
    const first = await publishEvent(jetstream(nc), ticketCreated());
    const second = ticketCreated();
    await publishEvent(jetstream(nc), second);
    await waitFor(() => listener.calls.length === 1);

    let closed = false;
    const closing = listener.close().then(() => {
      closed = true;
    });
    await waitFor(async () => (await consumerInfo(listener)).num_ack_pending === 2);
    expect(closed).toBe(false);
    gate.resolve();
    await closing;

    expect(listener.calls).toHaveLength(1);
    expect((await consumerInfo(listener)).ack_floor.stream_seq).toBe(first.seq);
    await expect(listener.listen()).rejects.toThrow(/closed/);

    const replacement = await startListener({}, service);
    await waitFor(() => replacement.calls.some((call) => call.eventId === second.eventId));
  });

  it('when an existing durable has other settings, then listening updates it', async () => {
    const service = `svc-${++serviceCounter}`;
    const old = await startListener({ ackWaitMs: 30_000, maxAckPending: 256 }, service);
    await old.close();
    const current = await startListener({ ackWaitMs: 5_000, maxAckPending: 32 }, service);
    expect((await consumerInfo(current)).config).toMatchObject({ ack_wait: nanos(5_000), max_ack_pending: 32 });
  });

  it('when the stream does not exist, then listen rejects', async () => {
    const listener = new TicketCreatedTestListener({
      nc,
      service: 'lost',
      logger: log.logger,
      options: { streamName: 'MISSING' },
    });
    await expect(listener.listen()).rejects.toThrow(/stream not found/);
    // A failed start can be retried, once the stream exists.
    await expect(listener.listen()).rejects.toThrow(/stream not found/);
    await listener.close();
  });

  it('when its connection is closed, then the listener stops consuming and closes at once', async () => {
    const own = await connectNats({ url: server.url, name: 'short-lived', logger: log.logger });
    const listener = new TicketCreatedTestListener({ nc: own, service: 'short-lived', logger: log.logger });
    await listener.listen();
    await own.close();
    await waitFor(() => log.lines.some((line) => line.msg === 'NATS connection closed; listener stopped'));
    await listener.close();
  });

  it('when its consumer is deleted, then the listener recreates it and keeps receiving', async () => {
    const listener = await startListener({ pullExpiresMs: 1_000 });
    await jsm.consumers.delete(STREAM_NAME, listener.durableName);
    await waitFor(() => log.lines.some((line) => line.msg === 'consumer stopped; re-establishing it'), {
      timeoutMs: 10_000,
    });
    const event = ticketCreated();
    await waitFor(
      async () => {
        await publishEvent(jetstream(nc), event);
        return listener.calls.some((call) => call.eventId === event.eventId);
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    await waitFor(async () => (await consumerInfo(listener)).num_ack_pending === 0);
  });

  it('when NATS restarts, then the connection recovers and the listener keeps receiving new events', async () => {
    const listener = await startListener();
    const ready = natsReadiness(nc, { timeoutMs: 500 });
    const before = ticketCreated();
    await publishEvent(jetstream(nc), before);
    await waitFor(() => listener.calls.length === 1);

    await server.halt();
    await expect(ready()).rejects.toThrow(/NATS is not reachable/);
    // A service starting during the outage waits for NATS instead of crashing.
    const late = connectNats({ url: server.url, name: 'late-starter', logger: log.logger, timeoutMs: 10_000 });
    await server.resume();
    const lateConnection = await late;
    await lateConnection.close();

    await waitFor(() => ready().then(() => true), { timeoutMs: 10_000, intervalMs: 100 });
    const after = ticketCreated();
    await publishEvent(jetstream(nc), after);
    await waitFor(() => listener.calls.some((call) => call.eventId === after.eventId), { timeoutMs: 15_000 });
    expect(log.lines.some((line) => line.msg === 'disconnected from NATS, reconnecting')).toBe(true);
    expect(log.lines.some((line) => line.msg === 'reconnected to NATS')).toBe(true);
  });
});

describe('Listener with applyBatch', () => {
  function newBatching(options: ListenerOptions = {}): BatchingTestListener {
    const listener = new BatchingTestListener({
      nc,
      service: `svc-${++serviceCounter}`,
      logger: log.logger,
      options: { nakDelayMs: 50, ...options },
    });
    started.push(listener);
    return listener;
  }

  /** Publishes `events` before a listener starts, so its first pulls find them waiting together; returns the last one's sequence. */
  async function publishAll(events: ReturnType<typeof ticketCreated>[]): Promise<number> {
    let seq = 0;
    for (const event of events) seq = (await publishEvent(jetstream(nc), event)).seq;
    return seq;
  }

  it('when events are waiting, then they are applied in groups of at most batchSize, in stream order, and all acked', async () => {
    const events = Array.from({ length: 9 }, () => ticketCreated());
    await publishAll(events);
    const listener = newBatching({ batchSize: 4 });
    await listener.listen();

    await waitFor(() => listener.handled.flat().length === events.length);
    expect(listener.handled.flat()).toEqual(events.map((event) => event.eventId));
    expect(Math.max(...listener.handled.map((group) => group.length))).toBeLessThanOrEqual(4);
    expect(listener.attempts.length).toBeGreaterThan(0);
    await waitFor(async () => (await consumerInfo(listener)).num_ack_pending === 0);
    expect(await consumerInfo(listener)).toMatchObject({ num_redelivered: 0, num_pending: 0 });
  });

  it('when an event arrives alone, then it goes through onMessage at once', async () => {
    const listener = newBatching();
    await listener.listen();
    const event = ticketCreated();
    await publishEvent(jetstream(nc), event);

    await waitFor(() => listener.handled.length === 1);
    expect(listener.calls.map((call) => call.eventId)).toEqual([event.eventId]);
    expect(listener.attempts).toEqual([]);
  });

  it('when a resync event is among them, then it is handled alone, in its place', async () => {
    const [a, b, d, e] = Array.from({ length: 4 }, () => ticketCreated());
    const c = createEvent(Subjects.TicketCreated, ticketCreated().data, { resync: true });
    await publishAll([a!, b!, c, d!, e!]);
    const listener = newBatching();
    await listener.listen();

    await waitFor(() => listener.handled.flat().length === 5);
    expect(listener.handled).toEqual([[a!.eventId, b!.eventId], [c.eventId], [d!.eventId, e!.eventId]]);
  });

  it('when a group fails, then each of its events goes through onMessage alone, with its own retries', async () => {
    const events = Array.from({ length: 3 }, () => ticketCreated());
    const lastSeq = await publishAll(events);
    const failing = events[1]!.eventId;
    const listener = newBatching();
    listener.batchHandler = async () => {
      throw new Error('could not serialize access');
    };
    let failed = false;
    listener.handler = async (_data, { event }) => {
      if (event.eventId === failing && !failed) {
        failed = true;
        throw new Error('deadlock detected');
      }
    };
    await listener.listen();

    await waitFor(
      async () => listener.calls.length === 4 && (await consumerInfo(listener)).ack_floor.stream_seq === lastSeq,
    );
    expect(listener.attempts).toEqual([events.map((event) => event.eventId)]);
    // Each alone, in order; the one whose handler failed came back (redelivered), alone again.
    expect(listener.calls.map((call) => [call.eventId, call.redeliveryCount])).toEqual([
      [events[0]!.eventId, 0],
      [failing, 0],
      [events[2]!.eventId, 0],
      [failing, 1],
    ]);
    expect(log.lines.some((line) => line.msg === 'a group of events failed; handling each alone')).toBe(true);
    expect(await listDeadLetters(nc, { service: listener.service })).toEqual([]);
  });

  it('when closed while a group is applied, then the group finishes and is acked, and the events not started go back', async () => {
    const [a, b, c] = Array.from({ length: 3 }, () => ticketCreated());
    await publishAll([a!, b!]);
    const { seq: cSeq } = await publishEvent(jetstream(nc), c!);
    const gate = deferred();
    const service = `svc-${++serviceCounter}`;
    const listener = new BatchingTestListener({ nc, service, logger: log.logger, options: { batchSize: 2 } });
    started.push(listener);
    listener.batchHandler = () => gate.promise;
    await listener.listen();
    await waitFor(() => listener.attempts.length === 1);
    expect(listener.attempts).toEqual([[a!.eventId, b!.eventId]]);

    let closed = false;
    const closing = listener.close().then(() => {
      closed = true;
    });
    await sleep(200);
    expect(closed).toBe(false); // the group runs on
    gate.resolve();
    await closing;
    expect(listener.handled).toEqual([[a!.eventId, b!.eventId]]);
    expect((await consumerInfo(listener)).ack_floor.stream_seq).toBe(cSeq - 1);

    const replacement = new BatchingTestListener({ nc, service, logger: log.logger });
    started.push(replacement);
    await replacement.listen();
    await waitFor(() => replacement.handled.flat().includes(c!.eventId));
  });
});
