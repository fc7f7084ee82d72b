import { randomUUID } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  connectNats,
  createEvent,
  createLogger,
  durableName,
  type Event,
  publishEvent,
  STREAM_NAME,
  type Subject,
  Subjects,
} from '@ticketing/common';
import { type NatsServerHandle, startNatsServer, waitFor } from '@ticketing/common/testing';
import { status } from '../src/commands/status';
import { type TailOptions, tail } from '../src/commands/tail';
import { sampleData } from '../src/samples';
import { freshStream, memoryOutput } from './helpers';

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'tail-test', logger: createLogger('test', 'silent') });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

beforeEach(() => freshStream(nc));

async function publishSample(subject: Subject, correlationId?: string): Promise<Event> {
  const event = createEvent(subject, sampleData(subject) as never, correlationId ? { correlationId } : {});
  await publishEvent(jetstream(nc), event);
  return event;
}

const running: AbortController[] = [];

// A test that fails half-way must not leave its tail (and its connection) running.
afterEach(() => {
  for (const controller of running.splice(0)) controller.abort();
});

/** Runs a tail in the background until `stop()`; `ready()` resolves once its consumer exists. */
function startTail(options: Omit<TailOptions, 'server' | 'signal'> = {}) {
  const controller = new AbortController();
  running.push(controller);
  const output = memoryOutput();
  let failure: unknown;
  const done = tail({ server: server.url, signal: controller.signal, ...options }, output);
  done.catch((error: unknown) => {
    failure = error;
  });
  return {
    output,
    ready: () =>
      waitFor(() => {
        if (failure) throw failure;
        return output.notes.some((note) => note.startsWith('Tailing'));
      }),
    /** Resolves once `count` events have been printed. */
    printed: (count: number) => waitFor(() => output.lines.length >= count),
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

describe('tail', () => {
  it('when an event is published while tailing, then one line shows its time, subject, seq, ids and data', async () => {
    const before = await publishSample(Subjects.TicketCreated);
    const tailing = startTail();
    await tailing.ready();

    const event = await publishSample(Subjects.OrderCreated, 'req-7');
    await tailing.printed(1);

    expect(await tailing.stop()).toBe(1);
    const [line] = tailing.output.lines;
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}order.created {8}#2 {2}/);
    expect(line).toContain(`  ${event.eventId}  req-7  ${JSON.stringify(event.data)}`);
    expect(tailing.output.lines.join('\n')).not.toContain(before.eventId);
    expect(tailing.output.notes[0]).toBe(
      `Tailing every subject of stream TICKETING on ${server.url}, new events only (Ctrl-C to stop)`,
    );
  });

  it('when --all is given, then earlier events are replayed in order before new ones', async () => {
    const first = await publishSample(Subjects.TicketCreated);
    const second = await publishSample(Subjects.OrderCreated);
    const tailing = startTail({ all: true });
    await tailing.printed(2);

    const third = await publishSample(Subjects.PaymentCreated);
    await tailing.printed(3);

    expect(await tailing.stop()).toBe(3);
    expect(tailing.output.lines.map((line) => line.split(/ {2,}/)[3])).toEqual([
      first.eventId,
      second.eventId,
      third.eventId,
    ]);
  });

  it.each([
    ['one subject (filtered by the server)', [Subjects.OrderCreated], [Subjects.OrderCreated]],
    ['a wildcard', ['order.*'], [Subjects.OrderCreated, Subjects.OrderCancelled]],
    [
      'several subjects (filtered by the tail)',
      [Subjects.TicketCreated, Subjects.OrderCancelled],
      [Subjects.TicketCreated, Subjects.OrderCancelled],
    ],
  ])('when tailing %s, then only matching events are shown', async (_case, subjects, expected) => {
    for (const subject of [Subjects.TicketCreated, Subjects.PaymentCreated, Subjects.OrderCreated]) {
      await publishSample(subject);
    }
    // Last in the stream: once it is shown, every earlier event has been seen (ordered consumer).
    await publishSample(Subjects.OrderCancelled);
    const tailing = startTail({ all: true, subjects });
    await tailing.printed(expected.length);
    await tailing.stop();

    expect(tailing.output.lines.map((line) => line.split(/ {2,}/)[1])).toEqual(expected);
  });

  it('when --json is given, then each event is one JSON object', async () => {
    const event = await publishSample(Subjects.ExpirationComplete);
    const tailing = startTail({ all: true, json: true });
    await tailing.printed(1);
    await tailing.stop();

    expect(JSON.parse(tailing.output.lines[0] ?? '')).toEqual({
      time: expect.any(String),
      subject: Subjects.ExpirationComplete,
      seq: 1,
      eventId: event.eventId,
      correlationId: event.correlationId,
      occurredAt: event.occurredAt,
      data: event.data,
    });
  });

  it('when a payload breaks the contract, then it is shown flagged INVALID with the reason', async () => {
    const js = jetstream(nc);
    await js.publish(Subjects.TicketCreated, JSON.stringify({ eventId: 'e-1', correlationId: 'c-1', data: {} }));
    await js.publish(Subjects.OrderCreated, 'not json');
    await js.publish('ticket.archived', JSON.stringify({ id: 1 }));
    const tailing = startTail({ all: true, json: true });
    await tailing.printed(3);
    await tailing.stop();

    const [broken, notJson, unknown] = tailing.output.lines.map((line) => JSON.parse(line));
    expect(broken).toMatchObject({ eventId: 'e-1', correlationId: 'c-1', data: {} });
    expect(broken.error).toMatch(/at eventId; .*at occurredAt/);
    expect(notJson).toMatchObject({ seq: 2, error: 'body is not JSON', raw: 'not json' });
    expect(unknown).toMatchObject({
      subject: 'ticket.archived',
      data: { id: 1 },
      error: 'subject is not in the catalog',
    });
  });

  it('when a text line is invalid, then it ends with INVALID and the reason', async () => {
    await jetstream(nc).publish(Subjects.OrderCreated, 'not json');
    const tailing = startTail({ all: true });
    await tailing.printed(1);
    await tailing.stop();

    expect(tailing.output.lines[0]).toMatch(/#1 {2}- {2}- {2}"not json" {2}INVALID: body is not JSON$/);
  });

  it('when --from-seq is given, then the replay starts at that sequence', async () => {
    for (let i = 0; i < 3; i += 1) await publishSample(Subjects.TicketCreated);
    const tailing = startTail({ fromSeq: 2, json: true });
    await tailing.printed(2);
    await tailing.stop();

    expect(tailing.output.lines.map((line) => JSON.parse(line).seq)).toEqual([2, 3]);
    expect(tailing.output.notes[0]).toContain('from seq 2');
  });

  it('when tailing, then it uses an ephemeral consumer, leaves the durables alone, and removes it on stop', async () => {
    const jsm = await jetstreamManager(nc);
    const durable = durableName('orders', Subjects.TicketCreated);
    await jsm.consumers.add(STREAM_NAME, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: Subjects.TicketCreated,
    });
    await publishSample(Subjects.TicketCreated);
    const tailing = startTail({ all: true });
    await tailing.printed(1);

    const during = await status({ server: server.url }, memoryOutput());
    const ephemeral = during.consumers.filter((consumer) => consumer.durable === undefined);
    expect(ephemeral).toHaveLength(1);
    await tailing.stop();

    const after = await status({ server: server.url }, memoryOutput());
    expect(after.consumers).toEqual([
      expect.objectContaining({ durable, numPending: 1, numAckPending: 0, deliveredStreamSeq: 0 }),
    ]);
  });

  it('when a running tail is listed by status, then it shows as ephemeral with no filter', async () => {
    const tailing = startTail();
    await tailing.ready();
    const output = memoryOutput();

    await status({ server: server.url }, output);
    await tailing.stop();

    expect(output.lines.find((line) => line.includes('(ephemeral)'))).toMatch(/_\d+ \(ephemeral\) {2}\(all\) /);
  });

  it.each([
    [['ticket.create'], {}, /Unknown subject "ticket.create". Catalog subjects: ticket.created/],
    [['user.*'], {}, /"user.\*" matches no catalog subject/],
    [[], { all: true, fromSeq: 3 }, /either --all or --from-seq/],
  ])('when given %j %j, then it fails with exit code 1 before connecting', async (subjects, options, message) => {
    await expect(tail({ server: 'nats://127.0.0.1:1', subjects, ...options }, memoryOutput())).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(message),
    });
  });

  it('when the stream does not exist, then it says so with exit code 1', async () => {
    await (await jetstreamManager(nc)).streams.delete(STREAM_NAME);

    await expect(tail({ server: server.url }, memoryOutput())).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/Stream TICKETING does not exist/),
    });
  });

  it('when stopped before it starts, then it prints nothing', async () => {
    const output = memoryOutput();

    expect(await tail({ server: server.url, signal: AbortSignal.abort() }, output)).toBe(0);
    expect([...output.lines, ...output.notes]).toEqual([]);
  });

  it('when NATS restarts during a tail, then it says so and keeps tailing', async () => {
    const tailing = startTail();
    await tailing.ready();

    await server.halt();
    await server.resume();
    await waitFor(() => tailing.output.notes.some((note) => note.startsWith('Reconnected')), { timeoutMs: 15_000 });
    const event = await waitFor(() => publishSample(Subjects.TicketCreated, randomUUID()));
    await waitFor(() => tailing.output.lines.some((line) => line.includes(event.eventId)), { timeoutMs: 15_000 });
    await tailing.stop();

    expect(tailing.output.notes.some((note) => note.startsWith('Disconnected'))).toBe(true);
  });

  it('when NATS restarts during a tail, then it resumes after the last event it printed, repeating none', async () => {
    const earlier = await publishSample(Subjects.TicketCreated);
    const tailing = startTail({ json: true });
    await tailing.ready();
    const printedBefore = await publishSample(Subjects.OrderCreated);
    await tailing.printed(1);

    await server.halt();
    await server.resume();
    await waitFor(() => tailing.output.notes.some((note) => note.startsWith('Reconnected')), { timeoutMs: 15_000 });
    const after = await waitFor(() => publishSample(Subjects.OrderCancelled, randomUUID()));
    await waitFor(() => tailing.output.lines.some((line) => line.includes(after.eventId)), { timeoutMs: 15_000 });

    expect(await tailing.stop()).toBe(2);
    expect(tailing.output.lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ seq: 2, eventId: printedBefore.eventId }),
      expect.objectContaining({ seq: 3, eventId: after.eventId }),
    ]);
    expect(tailing.output.lines.join('\n')).not.toContain(earlier.eventId);
  });

  it('when NATS restarts before a tail of new events printed any, then it still starts after the events stored before it', async () => {
    const earlier = await publishSample(Subjects.TicketCreated);
    const tailing = startTail({ json: true });
    await tailing.ready();

    await server.halt();
    await server.resume();
    await waitFor(() => tailing.output.notes.some((note) => note.startsWith('Reconnected')), { timeoutMs: 15_000 });
    const after = await waitFor(() => publishSample(Subjects.OrderCreated, randomUUID()));
    await waitFor(() => tailing.output.lines.some((line) => line.includes(after.eventId)), { timeoutMs: 15_000 });

    expect(await tailing.stop()).toBe(1);
    expect(JSON.parse(tailing.output.lines[0] ?? '')).toMatchObject({ seq: 2, eventId: after.eventId });
    expect(tailing.output.lines.join('\n')).not.toContain(earlier.eventId);
  });
});
