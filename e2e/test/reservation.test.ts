import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { signin, startNatsServer, startRedisServer, waitFor } from '@ticketing/common/testing';
import { Client } from 'pg';
import { createApi } from './api';
import { type Platform, startPlatform } from './platform';

jest.setTimeout(240_000);

const JWT_KEY = 'e2e-reservation-signing-key-0123456789abcdef';
const servers = {
  nats: undefined as Awaited<ReturnType<typeof startNatsServer>> | undefined,
  redis: undefined as Awaited<ReturnType<typeof startRedisServer>> | undefined,
};
let platform: Platform;
let nc: NatsConnection;
let api: ReturnType<typeof createApi>;

const cookieFor = (id = randomUUID()) =>
  signin({ jwtKey: JWT_KEY, id, email: `${id.slice(0, 8)}@test.dev` }).join('; ');

/** Every consumer of the stream has handled everything published so far: the services are quiet. */
async function eventsSettled() {
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      const stream = await jsm.streams.info('TICKETING');
      const consumers = await jsm.consumers.list('TICKETING').next();
      return (
        consumers.length > 0 &&
        consumers.every((c) => c.num_pending === 0 && c.num_ack_pending === 0 && c.delivered.stream_seq >= 0) &&
        stream.state.last_seq > 0
      );
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

/** One NATS, one Redis and the platform started as `npm start` starts it, for a describe block. */
function usePlatform(env: NodeJS.ProcessEnv) {
  beforeAll(async () => {
    servers.nats = await startNatsServer();
    servers.redis = await startRedisServer();
    platform = await startPlatform({ JWT_KEY, NATS_URL: servers.nats.url, REDIS_URL: servers.redis.url, ...env });
    api = createApi(platform.url);
    nc = await connect({ servers: servers.nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await platform?.stop();
    await servers.nats?.stop();
    await servers.redis?.stop();
  });
}

describe('reservation flow across auth, tickets, orders and expiration', () => {
  // A 2-second window, and the timer alone must expire orders here: the sweep is switched off.
  usePlatform({ EXPIRATION_WINDOW_SECONDS: '2', SWEEP_INTERVAL_SECONDS: '0' });

  it('a seller lists a ticket, a buyer reserves it, the reservation expires and the ticket is listed again', async () => {
    const seller = await api('POST', '/api/users/signup', {
      json: { email: 'seller@test.dev', password: 'secret-pw' },
    });
    expect(seller.status).toBe(201);
    const listed = await api('POST', '/api/tickets', {
      cookie: seller.cookie,
      json: { title: 'Jazz night', price: 20.5 },
    });
    expect(listed.status).toBe(201);
    const ticketId = listed.body.id;

    const buyer = await api('POST', '/api/users/signup', { json: { email: 'buyer@test.dev', password: 'secret-pw' } });
    // orders knows the ticket once ticket.created has reached it.
    const order = await waitFor(async () => {
      const response = await api('POST', '/api/orders', { cookie: buyer.cookie, json: { ticketId } });
      return response.status === 404 ? false : response;
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'created', ticket: { id: ticketId, price: 20.5 } });

    // tickets learns of the reservation from order.created.
    await waitFor(async () => (await api('GET', `/api/tickets/${ticketId}`)).body.status === 'reserved');
    const edit = await api('PUT', `/api/tickets/${ticketId}`, {
      cookie: seller.cookie,
      json: { title: 'Jazz', price: 25 },
    });
    expect(edit.status).toBe(400);
    const listing = await api('GET', '/api/tickets?limit=100');
    expect(listing.body.tickets.map((t: { id: string }) => t.id)).not.toContain(ticketId);

    // expiration fires after 2 s → expiration.complete → orders cancels → order.cancelled → tickets frees it.
    await waitFor(
      async () =>
        (await api('GET', `/api/orders/${order.body.id}`, { cookie: buyer.cookie })).body.status === 'cancelled',
      { timeoutMs: 20_000 },
    );
    await waitFor(
      async () => {
        const available = await api('GET', '/api/tickets?limit=100');
        return available.body.tickets.some(
          (t: { id: string; status: string }) => t.id === ticketId && t.status === 'available',
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(
      (await api('PUT', `/api/tickets/${ticketId}`, { cookie: seller.cookie, json: { title: 'Jazz', price: 25 } }))
        .status,
    ).toBe(200);
  });
});

describe('a ticket drop', () => {
  usePlatform({});

  it('200 concurrent buyers of one ticket: exactly one 201, 199 × 400, one active order in the database', async () => {
    const seller = cookieFor();
    const listed = await api('POST', '/api/tickets', { cookie: seller, json: { title: 'Final', price: 99 } });
    expect(listed.status).toBe(201);
    await eventsSettled();

    const attempts = await Promise.all(
      Array.from({ length: 200 }, () =>
        api('POST', '/api/orders', { cookie: cookieFor(), json: { ticketId: listed.body.id } }),
      ),
    );
    const statuses = attempts.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(199);
    expect(new Set(attempts.filter((a) => a.status === 400).map((a) => a.body.errors[0].message))).toEqual(
      new Set(['Ticket is already reserved']),
    );

    const orders = new Client({ connectionString: platform.databaseUrl('orders') });
    await orders.connect();
    try {
      const active = await orders.query<{ count: number }>(
        "select count(*)::int as count from orders where ticket_id = $1 and status in ('created', 'awaiting:payment', 'complete')",
        [listed.body.id],
      );
      expect(active.rows[0]?.count).toBe(1);
    } finally {
      await orders.end();
    }
  });
});
