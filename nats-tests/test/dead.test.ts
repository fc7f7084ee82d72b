import { EventEmitter } from 'node:events';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  connectNats,
  createEvent,
  createLogger,
  ensureDeadLetterStream,
  ensureStream,
  eventOperationCommands,
  Listener,
  publishEvent,
  Subjects,
  serveAdminCommands,
} from '@ticketing/common';
import { type NatsServerHandle, startNatsServer, waitFor } from '@ticketing/common/testing';
import { main } from '../src/cli';
import { memoryOutput } from './helpers';

const logger = createLogger('test', 'silent');
let server: NatsServerHandle;
let nc: NatsConnection;

/** A listener of the "widgets" service that fails until it is fixed. */
class FlakyListener extends Listener<typeof Subjects.ExpirationComplete> {
  readonly subject = Subjects.ExpirationComplete;
  fixed = false;
  readonly handled: string[] = [];

  protected async onMessage(data: { orderId: string }): Promise<void> {
    if (!this.fixed) throw new Error('the database said no');
    this.handled.push(data.orderId);
  }
}

let listener: FlakyListener;
let operations: { stop(): Promise<void> };

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'dead-test', logger });
  await ensureStream(nc);
  await ensureDeadLetterStream(nc);
  listener = new FlakyListener({ nc, service: 'widgets', logger, options: { maxDeliver: 1 } });
  await listener.listen();
  operations = serveAdminCommands(nc, {
    service: 'widgets',
    handlers: eventOperationCommands(nc, { service: 'widgets', listeners: [listener] }),
    logger,
  });
});

afterAll(async () => {
  await operations?.stop();
  await listener?.close();
  await nc?.close();
  await server?.stop();
});

const run = async (...argv: string[]) => {
  const output = memoryOutput();
  const exitCode = await main([...argv, '--server', server.url], { output, env: {}, signals: new EventEmitter() });
  return { exitCode, output };
};

async function parkedEvent(orderId: string) {
  await publishEvent(jetstream(nc), createEvent(Subjects.ExpirationComplete, { orderId }));
  return waitFor(async () => {
    const { output } = await run('dead', 'list', '--json');
    const letters = output.lines.map(
      (line) => JSON.parse(line) as { seq: number; event: { data: { orderId: string } } },
    );
    return letters.find((letter) => letter.event.data.orderId === orderId);
  });
}

describe('dead', () => {
  it('when an event keeps failing, then dead list shows it with its service, subject, deliveries and error', async () => {
    const orderId = '3f1c2a0e-1111-4c8e-9a2b-3c4d5e6f7a8b';
    const letter = await parkedEvent(orderId);

    const { exitCode, output } = await run('dead', 'list', '--service', 'widgets');

    expect(exitCode).toBe(0);
    expect(output.lines[0]).toMatch(/^SEQ\s+SERVICE\s+SUBJECT\s+STREAM SEQ\s+DELIVERIES\s+PARKED\s+EVENT\s+ERROR$/);
    expect(output.lines.find((line) => line.startsWith(`${letter.seq} `))).toMatch(
      /widgets\s+expiration\.complete\s+\d+\s+1\s+.+the database said no$/,
    );
  });

  it('when a dead letter is retried before its cause is fixed, then it stays; once fixed, the handler runs it and it is gone', async () => {
    const orderId = '4a1c2a0e-2222-4c8e-9a2b-3c4d5e6f7a8b';
    const { seq } = await parkedEvent(orderId);

    const early = await run('dead', 'retry', String(seq));
    expect(early.exitCode).toBe(1);
    expect(early.output.notes[0]).toMatch(
      /^The handler failed again, so dead letter \d+ stays parked: the database said no$/,
    );

    listener.fixed = true;
    const retried = await run('dead', 'retry', String(seq));
    expect(retried.exitCode).toBe(0);
    expect(retried.output.lines).toEqual([`Replayed dead letter ${seq} through widgets; it is no longer parked.`]);
    expect(listener.handled).toContain(orderId);
    listener.fixed = false;
    const { output } = await run('dead', 'list', '--json');
    expect(output.lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).not.toContain(seq);
  });

  it('when a dead letter is dropped, then it is gone without running; an unknown sequence is reported', async () => {
    const { seq } = await parkedEvent('5b1c2a0e-3333-4c8e-9a2b-3c4d5e6f7a8b');

    expect((await run('dead', 'drop', String(seq))).exitCode).toBe(0);
    const again = await run('dead', 'drop', String(seq));
    expect(again.exitCode).toBe(1);
    expect(again.output.notes).toEqual([`There is no dead letter ${seq}.`, '1 of 1 dead letters were not dropped.']);
    expect((await run('dead', 'retry', 'abc')).output.notes).toEqual([
      'dead retry needs dead-letter sequences (1, 2, …), got "abc".',
    ]);
  });
});

describe('outbox', () => {
  it('when a service has parked rows, then outbox list shows them; retry hands one back; an unknown service is refused', async () => {
    const parked = {
      id: 7,
      eventId: 'e-7',
      subject: 'ticket.updated',
      attempts: 5,
      lastError: 'no stream',
      createdAt: '2026-12-06T10:00:00.000Z',
      parkedAt: '2026-12-06T10:00:05.000Z',
    };
    const retried: unknown[] = [];
    const tickets = serveAdminCommands(nc, {
      service: 'tickets',
      logger,
      handlers: {
        'outbox-list': async () => [parked],
        'outbox-retry': async ({ id }) => {
          retried.push(id);
          return { id, parked: false };
        },
      },
    });
    const empty = ['auth', 'orders', 'payments'].map((service) =>
      serveAdminCommands(nc, { service, logger, handlers: { 'outbox-list': async () => [] } }),
    );
    await nc.flush();

    const listed = await run('outbox', 'list');
    expect(listed.output.lines[1]).toMatch(/^tickets\s+7\s+ticket\.updated\s+e-7\s+5\s+.+no stream$/);
    expect((await run('outbox', 'retry', 'tickets', '7')).exitCode).toBe(0);
    expect(retried).toEqual([7]);
    expect((await run('outbox', 'list', 'expiration')).output.notes[0]).toMatch(/^Unknown service "expiration"/);
    await Promise.all([tickets.stop(), ...empty.map((responder) => responder.stop())]);
  });
});

describe('resync', () => {
  it('when a source is asked to resync, then it says how many entities it republished; anything but tickets or orders is refused', async () => {
    const orders = serveAdminCommands(nc, {
      service: 'orders',
      logger,
      handlers: { resync: async () => ({ republished: 42 }) },
    });
    await nc.flush();

    const done = await run('resync', 'orders');
    expect(done.exitCode).toBe(0);
    expect(done.output.lines[0]).toMatch(/^orders republished 42 entities as resync events/);
    expect((await run('resync', 'payments')).output.notes[0]).toMatch(/^Use "resync tickets" or "resync orders"/);
    await orders.stop();
    expect((await run('resync', 'orders')).exitCode).toBe(2);
  });
});
