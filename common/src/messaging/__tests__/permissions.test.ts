import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { createEvent, type EventData, STREAM_NAME, Subjects } from '../../events';
import { createLogger } from '../../logging';
import { type NatsServerHandle, startNatsServer } from '../../testing/nats-server';
import { waitFor } from '../../testing/wait-for';
import { requestAdminCommand, serveAdminCommands } from '../admin';
import { connectNats } from '../connect';
import { loadConsumerPosition } from '../consumer-positions';
import { ensureDeadLetterStream, listDeadLetters } from '../dead-letters';
import { closeListeners, Listener, type MessageContext } from '../listener';
import { EVENT_OWNER_NAMES, type EventOwner, natsAuthorizationConfig, OPERATOR_USER } from '../permissions';
import { publishEvent } from '../publisher';
import { ensureStream } from '../stream';

type TicketCreated = typeof Subjects.TicketCreated;

const logger = createLogger('permissions-test', 'silent');
const passwords = Object.fromEntries(
  [...EVENT_OWNER_NAMES, OPERATOR_USER].map((user) => [user, `${user}-${randomUUID()}`]),
) as Record<EventOwner | typeof OPERATOR_USER, string>;

const ticketCreated = () =>
  createEvent(Subjects.TicketCreated, {
    id: randomUUID(),
    version: 0,
    title: 'Concert',
    price: 2050,
    userId: randomUUID(),
  });

class TicketCreatedListener extends Listener<TicketCreated> {
  readonly subject = Subjects.TicketCreated;
  readonly handled: string[] = [];
  protected async onMessage(data: EventData<TicketCreated>, _context: MessageContext<TicketCreated>): Promise<void> {
    this.handled.push(data.id);
  }
}

class SessionRevokedListener extends Listener<typeof Subjects.SessionRevoked> {
  readonly subject = Subjects.SessionRevoked;
  readonly handled: string[] = [];
  protected async onMessage(data: EventData<typeof Subjects.SessionRevoked>): Promise<void> {
    this.handled.push(data.sessionId);
  }
}

jest.setTimeout(20_000);

let server: NatsServerHandle;
let operator: NatsConnection;
const connections: NatsConnection[] = [];

const connectAs = async (user: string, pass = passwords[user as EventOwner]) => {
  const nc = await connectNats({ url: server.url, name: user, logger, timeoutMs: 5_000, user, pass });
  connections.push(nc);
  return nc;
};

beforeAll(async () => {
  server = await startNatsServer({ config: natsAuthorizationConfig(passwords) });
  operator = await connectAs(OPERATOR_USER, passwords.operator);
  await ensureStream(operator);
  await ensureDeadLetterStream(operator);
});

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await server?.stop();
});

const storedCount = async (subject: string) => {
  const info = await (await jetstreamManager(operator)).streams.info(STREAM_NAME, { subjects_filter: '>' });
  return info.state.subjects?.[subject] ?? 0;
};

describe('per-service NATS users', () => {
  it('when a service publishes its own event, then the stream stores it', async () => {
    const tickets = await connectAs('tickets');
    const before = await storedCount(Subjects.TicketCreated);
    await publishEvent(jetstream(tickets), ticketCreated());
    expect(await storedCount(Subjects.TicketCreated)).toBe(before + 1);
  });

  it("when a service publishes another service's event, then NATS refuses it and nothing is stored", async () => {
    const payments = await connectAs('payments');
    const before = await storedCount(Subjects.TicketCreated);
    await expect(publishEvent(jetstream(payments), ticketCreated(), { timeoutMs: 2_000 })).rejects.toThrow();
    const orderCancelled = createEvent(Subjects.OrderCancelled, {
      id: randomUUID(),
      version: 1,
      ticket: { id: randomUUID() },
    });
    await expect(publishEvent(jetstream(payments), orderCancelled, { timeoutMs: 2_000 })).rejects.toThrow();
    expect(await storedCount(Subjects.TicketCreated)).toBe(before);
    expect(await storedCount(Subjects.OrderCancelled)).toBe(0);
  });

  it('when a service listens to an event it does not consume, or tries to purge the stream, then NATS refuses it', async () => {
    const payments = await connectAs('payments');
    const listener = new TicketCreatedListener({ nc: payments, service: 'payments', logger });
    await expect(listener.listen()).rejects.toThrow(/Permissions Violation/);
    await closeListeners([listener]);
    const jsm = await jetstreamManager(payments);
    await expect(jsm.streams.purge(STREAM_NAME)).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.delete(STREAM_NAME)).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.consumers.delete(STREAM_NAME, 'orders-ticket-created')).rejects.toThrow(/Permissions Violation/);
  });

  it('when a listener runs as its service, then it consumes, parks a dead letter and saves its position', async () => {
    const tickets = await connectAs('tickets');
    const orders = await connectAs('orders');
    const listener = new TicketCreatedListener({ nc: orders, service: 'orders', logger, options: { nakDelayMs: 50 } });
    await listener.listen();
    try {
      const event = ticketCreated();
      await publishEvent(jetstream(tickets), event);
      await jetstream(tickets).publish(Subjects.TicketCreated, 'not json');
      await waitFor(() => listener.handled.includes(event.data.id));
      await waitFor(async () => (await listDeadLetters(operator, { service: 'orders' })).length === 1);
    } finally {
      await closeListeners([listener]);
    }
    // Closing saves the ack floor, under positions.orders.<durable>.
    expect(await loadConsumerPosition(operator, 'orders', listener.durableName)).toBeGreaterThan(0);
  });

  it('when the operator sends a command, then the service answers; another service cannot listen for it', async () => {
    const expiration = await connectAs('expiration');
    const served = serveAdminCommands(expiration, {
      service: 'expiration',
      handlers: { ping: async () => 'pong' },
      logger,
    });
    await expiration.flush();
    try {
      await expect(requestAdminCommand(operator, 'expiration', 'ping')).resolves.toBe('pong');
    } finally {
      await served.stop();
    }
    const tickets = await connectAs('tickets');
    const stolen = serveAdminCommands(tickets, {
      service: 'expiration',
      handlers: { ping: async () => 'stolen' },
      logger,
    });
    await tickets.flush().catch(() => {});
    await expect(requestAdminCommand(operator, 'expiration', 'ping', {}, { timeoutMs: 1_000 })).rejects.toThrow();
    await stolen.stop();
  });

  it('when auth announces a sign-out, then the stream stores it and tickets, orders and payments may consume it; no other service may announce one', async () => {
    const auth = await connectAs('auth');
    const revoked = createEvent(Subjects.SessionRevoked, {
      sessionId: randomUUID(),
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await publishEvent(jetstream(auth), revoked);
    expect(await storedCount(Subjects.SessionRevoked)).toBe(1);

    const orders = await connectAs('orders');
    await expect(publishEvent(jetstream(orders), revoked, { timeoutMs: 2_000 })).rejects.toThrow();
    expect(await storedCount(Subjects.SessionRevoked)).toBe(1);

    for (const service of ['tickets', 'orders', 'payments'] as const) {
      const listener = new SessionRevokedListener({ nc: await connectAs(service), service, logger });
      try {
        await listener.listen();
        await waitFor(() => listener.handled.includes(revoked.data.sessionId));
      } finally {
        await closeListeners([listener]);
      }
    }
  });

  it('when the password is wrong, then connecting fails at once (no retrying until the time-out), naming the user', async () => {
    await expect(
      connectNats({ url: server.url, name: 'intruder', logger, timeoutMs: 60_000, user: 'orders', pass: 'wrong' }),
    ).rejects.toThrow(/refused user orders/);
  });
});
