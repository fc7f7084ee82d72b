import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, createLogger, STREAM_NAME, Subjects } from '@ticketing/common';
import { type NatsServerHandle, startNatsServer } from '@ticketing/common/testing';
import { CliError } from '../src/cli-error';
import { publish } from '../src/commands/publish';
import { freshStream, memoryOutput, storedMessageCount } from './helpers';

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'publish-test', logger: createLogger('test', 'silent') });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

beforeEach(() => freshStream(nc));

async function storedMessage(seq: number) {
  const jsm = await jetstreamManager(nc);
  const message = await jsm.streams.getMessage(STREAM_NAME, { seq });
  if (!message) throw new Error(`the stream holds no message at seq ${seq}`);
  return message;
}

/** The CliError a publish fails with, and how many messages the stream holds afterwards. */
async function rejection(options: Omit<Parameters<typeof publish>[0], 'server'>) {
  const error = await publish({ server: server.url, ...options }, memoryOutput()).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { error: error as CliError, stored: await storedMessageCount(nc) };
}

describe('publish', () => {
  it('when --sample is used, then a valid event is stored with msgID = eventId and its ids are printed', async () => {
    const output = memoryOutput();

    const result = await publish({ server: server.url, subject: Subjects.OrderCreated, sample: true }, output);

    expect(result).toMatchObject({ stream: STREAM_NAME, seq: 1, duplicate: false });
    const stored = await storedMessage(result.seq);
    expect(stored.subject).toBe(Subjects.OrderCreated);
    expect(stored.header.get('Nats-Msg-Id')).toBe(result.event.eventId);
    expect(stored.json()).toMatchObject({ eventId: result.event.eventId, data: result.event.data });
    expect(output.lines[0]).toBe('Published order.created to stream TICKETING, seq 1');
    expect(output.lines).toContain(`  eventId        ${result.event.eventId}`);
    expect(output.lines).toContain('  duplicate      no');
  });

  it('when JSON data and a correlation id are given, then that data and id travel in the event', async () => {
    const data = { orderId: randomUUID() };

    const result = await publish(
      { server: server.url, subject: Subjects.ExpirationComplete, data: JSON.stringify(data), correlationId: 'req-42' },
      memoryOutput(),
    );

    expect((await storedMessage(result.seq)).json()).toMatchObject({ correlationId: 'req-42', data });
  });

  it('when JSON is combined with --sample, then its fields override the sample', async () => {
    const result = await publish(
      { server: server.url, subject: Subjects.TicketCreated, data: '{"title":"Opera","price":9900}', sample: true },
      memoryOutput(),
    );

    expect(result.event.data).toMatchObject({ title: 'Opera', price: 9900, version: 0 });
  });

  it('when the same eventId is published twice, then the second is reported as a duplicate and not stored', async () => {
    const eventId = randomUUID();
    const first = await publish(
      { server: server.url, subject: Subjects.TicketCreated, sample: true, eventId },
      memoryOutput(),
    );
    const output = memoryOutput();

    const second = await publish(
      { server: server.url, subject: Subjects.TicketCreated, sample: true, eventId },
      output,
    );

    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    expect(output.lines.join('\n')).toMatch(/duplicate +yes: the server already holds this eventId \(seq 1\)/);
    expect(await storedMessageCount(nc)).toBe(1);
  });

  it('when the data breaks the schema, then it fails with the zod message and nothing is stored', async () => {
    const { error, stored } = await rejection({
      subject: Subjects.TicketCreated,
      data: JSON.stringify({ id: randomUUID(), version: 0, title: '', price: 12.5, userId: randomUUID() }),
    });

    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^Invalid ticket.created data:/);
    expect(error.message).toMatch(/expected int.*\n.*at price/);
    expect(error.message).toMatch(/at title/);
    expect(stored).toBe(0);
  });

  it('when a sample override breaks the schema, then nothing is stored', async () => {
    const { error, stored } = await rejection({
      subject: Subjects.OrderCreated,
      data: '{"status":"lost"}',
      sample: true,
    });

    expect(error.message).toMatch(/at status/);
    expect(stored).toBe(0);
  });

  it.each([
    [
      'the subject is not in the catalog',
      { subject: 'ticket.create', sample: true },
      /Unknown subject "ticket.create". Catalog subjects: ticket.created, ticket.updated, order.created/,
    ],
    ['there is neither JSON nor --sample', { subject: Subjects.TicketCreated }, /as a JSON argument, or use --sample/],
    ['the JSON does not parse', { subject: Subjects.TicketCreated, data: '{title:' }, /not valid JSON/],
    ['--sample gets a JSON array', { subject: Subjects.TicketCreated, data: '[1]', sample: true }, /must be an object/],
    [
      'the eventId is not a uuid',
      { subject: Subjects.TicketCreated, sample: true, eventId: 'abc' },
      /Invalid envelope:[\s\S]*at eventId/,
    ],
    [
      'the correlation id is empty',
      { subject: Subjects.TicketCreated, sample: true, correlationId: '' },
      /at correlationId/,
    ],
  ])('when %s, then it fails with exit code 1 and nothing is stored', async (_case, options, message) => {
    const { error, stored } = await rejection(options);

    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(message);
    expect(stored).toBe(0);
  });

  it('when the stream does not exist, then it says so with exit code 1', async () => {
    await (await jetstreamManager(nc)).streams.delete(STREAM_NAME);

    await expect(
      publish({ server: server.url, subject: Subjects.TicketCreated, sample: true }, memoryOutput()),
    ).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/Stream TICKETING does not exist/) });
  });
});
