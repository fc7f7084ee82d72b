import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  connectNats,
  createEvent,
  createLogger,
  durableName,
  publishEvent,
  STREAM_NAME,
  Subjects,
} from '@ticketing/common';
import { freePort, type NatsServerHandle, startNatsServer } from '@ticketing/common/testing';
import { status } from '../src/commands/status';
import { sampleData } from '../src/samples';
import { freshStream, memoryOutput } from './helpers';

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'status-test', logger: createLogger('test', 'silent') });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

beforeEach(() => freshStream(nc));

const ORDERS_TICKET_CREATED = durableName('orders', Subjects.TicketCreated);

/** The durable consumer the orders service creates for ticket.created (see Listener). */
async function addOrdersConsumer(): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(STREAM_NAME, {
    durable_name: ORDERS_TICKET_CREATED,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: Subjects.TicketCreated,
    max_ack_pending: 256,
  });
}

async function publishSample(subject: typeof Subjects.TicketCreated | typeof Subjects.OrderCreated) {
  await publishEvent(jetstream(nc), createEvent(subject, sampleData(subject) as never));
}

describe('status', () => {
  it('when a durable has one event in hand and two waiting, then it reports 2 pending and 1 ack pending', async () => {
    await addOrdersConsumer();
    for (let i = 0; i < 3; i += 1) await publishSample(Subjects.TicketCreated);
    await publishSample(Subjects.OrderCreated);
    // A replica takes the first ticket.created and has not acked it yet.
    const consumer = await jetstream(nc).consumers.get(STREAM_NAME, ORDERS_TICKET_CREATED);
    const inHand = await consumer.next({ expires: 2_000 });
    expect(inHand?.seq).toBe(1);
    const output = memoryOutput();

    const report = await status({ server: server.url }, output);

    expect(report.stream).toMatchObject({
      name: STREAM_NAME,
      messages: 4,
      firstSeq: 1,
      lastSeq: 4,
      duplicateWindowMs: 120_000,
      perSubject: { 'order.created': 1, 'ticket.created': 3 },
      subjects: [
        'ticket.>',
        'order.>',
        'payment.>',
        'expiration.>',
        'session.>',
        'event.>',
        'pass.>',
        'payout.>',
        'claim.>',
      ],
    });
    expect(report.consumers).toEqual([
      expect.objectContaining({
        durable: ORDERS_TICKET_CREATED,
        filterSubject: Subjects.TicketCreated,
        numPending: 2,
        numAckPending: 1,
        numRedelivered: 0,
        deliveredStreamSeq: 1,
        ackFloorStreamSeq: 0,
        lastActive: expect.any(String),
      }),
    ]);
    const text = output.lines.join('\n');
    expect(text).toContain(`Stream TICKETING on ${server.url}`);
    expect(text).toMatch(/messages +4 \(/);
    expect(text).toMatch(/first \/ last seq +1 \/ 4/);
    expect(text).toMatch(/duplicate window +2m/);
    expect(text).toMatch(/per subject +order.created 1, ticket.created 3/);
    const [header, row] = output.lines.slice(output.lines.indexOf('Consumers (1)') + 1);
    expect(header?.split(/ {2,}/)).toEqual([
      'DURABLE',
      'FILTER',
      'PENDING',
      'ACK PENDING',
      'REDELIVERED',
      'WAITING',
      'DELIVERED SEQ',
      'ACK FLOOR SEQ',
      'LAST ACTIVE',
    ]);
    expect(row?.split(/ {2,}/)).toEqual([
      ORDERS_TICKET_CREATED,
      'ticket.created',
      '2',
      '1',
      '0',
      '0',
      '1',
      '0',
      expect.stringMatching(/^\d+s ago$/),
    ]);

    // Once acked, the ack floor catches up with what was delivered.
    inHand?.ack();
    await inHand?.ackAck();
    const after = await status({ server: server.url }, memoryOutput());
    expect(after.consumers[0]).toMatchObject({ numAckPending: 0, ackFloorStreamSeq: 1 });
  });

  it('when the stream is empty and nobody consumes, then it says so', async () => {
    const output = memoryOutput();

    const report = await status({ server: server.url }, output);

    expect(report.stream).toMatchObject({ messages: 0, perSubject: {} });
    expect(report.stream.lastTime).toBeUndefined();
    expect(output.lines).toContain('  last message      none');
    expect(output.lines).toContain('  per subject       none');
    expect(output.lines).toContain('Consumers: none (no service has subscribed yet)');
  });

  it('when --json is given, then the report is printed as one JSON document', async () => {
    await addOrdersConsumer();
    await publishSample(Subjects.TicketCreated);
    const output = memoryOutput();

    const report = await status({ server: server.url, json: true }, output);

    expect(JSON.parse(output.lines.join('\n'))).toEqual(report);
    expect(report.consumers[0]).toMatchObject({ durable: ORDERS_TICKET_CREATED, numPending: 1 });
  });

  it('when the stream does not exist, then it says so with exit code 1', async () => {
    await (await jetstreamManager(nc)).streams.delete(STREAM_NAME);

    await expect(status({ server: server.url }, memoryOutput())).rejects.toMatchObject({
      exitCode: 1,
      message: `Stream TICKETING does not exist on ${server.url}: the services create it when they start, and until then no event is stored.`,
    });
  });

  it('when nothing listens on the server address, then it fails with exit code 2 and a one-line message', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;

    const error = await status({ server: url, connectTimeoutMs: 300 }, memoryOutput()).catch((e: unknown) => e);

    expect(error).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`Could not connect to NATS at ${url}`),
    });
    expect((error as Error).message).not.toContain('\n');
  });
});
