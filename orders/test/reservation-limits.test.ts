import { closeRedisConnection, createLogger, createRateLimitRedis, OrderStatus, type Redis } from '@ticketing/common';
import { type RedisServerHandle, redisCommand, startRedisServer, waitFor } from '@ticketing/common/testing';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import type { Config } from '../src/config';
import { orders } from '../src/db/schema';
import { expireOrder } from '../src/domain/order-lifecycle';
import { reserveTicket } from '../src/domain/orders';
import { aUser, createOrdersTestBed, type OrdersTestBed, RESERVATION_RULES } from './harness';

let bed: OrdersTestBed;
let redisServer: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  [bed, redisServer] = await Promise.all([createOrdersTestBed(), startRedisServer()]);
  redis = createRateLimitRedis({ url: redisServer.url, service: 'orders', logger: createLogger('orders', 'silent') });
  await waitFor(() => redis.status === 'ready');
});
beforeEach(async () => {
  await bed.reset();
  await redisCommand(redisServer.port, 'FLUSHALL');
});
afterAll(async () => {
  await closeRedisConnection(redis);
  await Promise.all([bed?.close(), redisServer?.stop()]);
});

type Buyer = ReturnType<typeof aUser>;
type App = ReturnType<OrdersTestBed['app']>;

const reserve = (app: App, buyer: Buyer, ticketId: string) =>
  request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId });

async function someTickets(count: number) {
  return Promise.all(Array.from({ length: count }, () => bed.aTicket()));
}

/** The buyer's stored orders that are still reservations. */
async function activeOrdersOf(buyer: Buyer) {
  return bed.db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, buyer.id), eq(orders.status, OrderStatus.Created)));
}

describe('at most MAX_ACTIVE_RESERVATIONS per buyer', () => {
  it('when one buyer reserves a sixth ticket while holding five, then it answers 429 RESERVATION_LIMIT stating the limit, and stores and publishes nothing', async () => {
    const app = bed.app();
    const buyer = aUser();
    const tickets = await someTickets(6);
    for (const ticket of tickets.slice(0, 5)) await reserve(app, buyer, ticket.id).expect(201);

    const refused = await reserve(app, buyer, tickets[5]!.id).expect(429);

    expect(refused.body).toEqual({
      errors: [
        {
          message: 'You can hold at most 5 reservations at once; pay for or cancel one before reserving another ticket',
          code: 'RESERVATION_LIMIT',
        },
      ],
    });
    expect(await activeOrdersOf(buyer)).toHaveLength(5);
    expect(await bed.ordersOfTicket(tickets[5]!.id)).toEqual([]);
    // Another buyer is not affected by this one's reservations.
    await reserve(app, aUser(), tickets[5]!.id).expect(201);
  });

  it('when one buyer sends 10 reservations for 10 tickets at once, then exactly 5 succeed', async () => {
    const app = bed.app();
    const buyer = aUser();
    const tickets = await someTickets(10);

    const responses = await Promise.all(tickets.map((ticket) => reserve(app, buyer, ticket.id)));

    expect(responses.filter((response) => response.status === 201)).toHaveLength(5);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused.map((response) => response.status)).toEqual(Array(5).fill(429));
    expect(refused.every((response) => /at most 5 reservations/.test(response.body.errors[0].message))).toBe(true);
    expect(await activeOrdersOf(buyer)).toHaveLength(5);
  });

  it('when the same 10 reservations come through two replicas at once, then exactly 5 succeed as well', async () => {
    const [a, b] = [bed.app(), bed.app()];
    const buyer = aUser();
    const tickets = await someTickets(10);

    const responses = await Promise.all(tickets.map((ticket, i) => reserve(i % 2 ? a : b, buyer, ticket.id)));

    expect(responses.filter((response) => response.status === 201)).toHaveLength(5);
    expect(await activeOrdersOf(buyer)).toHaveLength(5);
  });

  it('when the buyer cancels one of five reservations, then the slot is free, and that ticket can be reserved again at once', async () => {
    const app = bed.app();
    const buyer = aUser();
    const tickets = await someTickets(6);
    const orderIds: string[] = [];
    for (const ticket of tickets.slice(0, 5)) orderIds.push((await reserve(app, buyer, ticket.id).expect(201)).body.id);
    await reserve(app, buyer, tickets[5]!.id).expect(429);

    await request(app).delete(`/api/orders/${orderIds[0]}`).set('Cookie', buyer.cookie).expect(204);

    await reserve(app, buyer, tickets[5]!.id).expect(201);
    expect(await bed.order(orderIds[0]!)).toMatchObject({ status: OrderStatus.Cancelled, cancelReason: 'buyer' });
    // A cancelled reservation carries no cool-down: the buyer changed their mind, nothing expired.
    await request(app).delete(`/api/orders/${orderIds[1]}`).set('Cookie', buyer.cookie).expect(204);
    await reserve(app, buyer, tickets[0]!.id).expect(201);
  });

  it('when a reservation has run out, then it no longer counts, even before anything cancelled it', async () => {
    const app = bed.app();
    const buyer = aUser();
    const tickets = await someTickets(6);
    const orderIds: string[] = [];
    for (const ticket of tickets.slice(0, 5)) orderIds.push((await reserve(app, buyer, ticket.id).expect(201)).body.id);

    await bed.backdate(orderIds[0]!);

    await reserve(app, buyer, tickets[5]!.id).expect(201);
  });

  it('when completed orders pile up, then they do not count: only reservations are limited', async () => {
    const app = bed.app({ MAX_ACTIVE_RESERVATIONS: 1 });
    const buyer = aUser();
    const [first, second, third] = await someTickets(3);
    await bed.anOrder(first!, { userId: buyer.id, status: OrderStatus.Complete });
    await bed.anOrder(second!, { userId: buyer.id, status: OrderStatus.Cancelled, cancelReason: 'buyer' });
    await reserve(app, buyer, third!.id).expect(201);
  });

  it('when the use case refuses, then its error carries the status 429 and the code RESERVATION_LIMIT', async () => {
    const buyer = aUser();
    const [first, second] = await someTickets(2);
    const rules = { ...RESERVATION_RULES, maxActiveReservations: 1 };
    await reserveTicket(bed.deps, { ...rules, userId: buyer.id, ticketId: first!.id });
    await expect(reserveTicket(bed.deps, { ...rules, userId: buyer.id, ticketId: second!.id })).rejects.toMatchObject({
      statusCode: 429,
      code: 'RESERVATION_LIMIT',
    });
  });

  it('when MAX_ACTIVE_RESERVATIONS is 1, then the second reservation is refused in the singular', async () => {
    const app = bed.app({ MAX_ACTIVE_RESERVATIONS: 1 });
    const buyer = aUser();
    const [first, second] = await someTickets(2);
    await reserve(app, buyer, first!.id).expect(201);
    const refused = await reserve(app, buyer, second!.id).expect(429);
    expect(refused.body.errors[0].message).toMatch(/^You can hold at most 1 reservation at once;/);
  });
});

describe('the cool-down after a reservation expired', () => {
  async function anExpiredReservation(config: Partial<Config> = {}, expiredSecondsAgo = 10) {
    const app = bed.app(config);
    const buyer = aUser();
    const ticket = await bed.aTicket();
    const order = (await reserve(app, buyer, ticket.id).expect(201)).body as { id: string };
    await bed.backdate(order.id, expiredSecondsAgo);
    return { app, buyer, ticket, order };
  }

  it('when the buyer reserves the ticket they let expire, then it answers 429 RESERVATION_COOLDOWN saying when, with Retry-After', async () => {
    const { app, buyer, ticket, order } = await anExpiredReservation({}, 10);

    const refused = await reserve(app, buyer, ticket.id).expect(429);

    const [{ message, code }] = refused.body.errors;
    expect(code).toBe('RESERVATION_COOLDOWN');
    expect(message).toMatch(
      /^You let your reservation of this ticket expire; you can reserve it again in 5 minutes, at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    const expiredAt = (await bed.order(order.id))!.expiresAt;
    expect(message).toContain(new Date(expiredAt.getTime() + 300_000).toISOString());
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(280);
    expect(Number(refused.get('Retry-After'))).toBeLessThanOrEqual(290);
    // Nothing changed: the overdue order is not even cancelled by the refused attempt.
    expect(await bed.ordersOfTicket(ticket.id)).toEqual([expect.objectContaining({ status: OrderStatus.Created })]);
  });

  it('when the use case refuses a buyer in the cool-down, then its error carries 429, RESERVATION_COOLDOWN and when', async () => {
    const { buyer, ticket, order } = await anExpiredReservation({}, 60);
    const expiredAt = (await bed.order(order.id))!.expiresAt;
    await expect(
      reserveTicket(bed.deps, { ...RESERVATION_RULES, userId: buyer.id, ticketId: ticket.id }),
    ).rejects.toMatchObject({
      statusCode: 429,
      code: 'RESERVATION_COOLDOWN',
      availableAt: new Date(expiredAt.getTime() + 300_000),
    });
  });

  it('when the expired reservation was already cancelled by the timer, then the cool-down still applies', async () => {
    const { app, buyer, ticket, order } = await anExpiredReservation();
    expect(await expireOrder(bed.deps, order.id)).toBe('cancelled');
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, cancelReason: 'expired' });

    const refused = await reserve(app, buyer, ticket.id).expect(429);
    expect(refused.body.errors[0].message).toMatch(/expire; you can reserve it again/);
  });

  it('when another buyer reserves the ticket, then the cool-down does not apply to them', async () => {
    const { app, ticket } = await anExpiredReservation();
    await reserve(app, aUser(), ticket.id).expect(201);
  });

  it('when the buyer reserves another ticket, then the cool-down does not apply to it', async () => {
    const { app, buyer } = await anExpiredReservation();
    const other = await bed.aTicket();
    await reserve(app, buyer, other.id).expect(201);
  });

  it('when the cool-down has passed, then the buyer can reserve the ticket again', async () => {
    const { app, buyer, ticket } = await anExpiredReservation({}, 301);
    await reserve(app, buyer, ticket.id).expect(201);
  });

  it('when RESERVATION_COOLDOWN_SECONDS is 0, then there is no cool-down', async () => {
    const { app, buyer, ticket } = await anExpiredReservation({ RESERVATION_COOLDOWN_SECONDS: 0 });
    await reserve(app, buyer, ticket.id).expect(201);
  });

  it('when RESERVATION_COOLDOWN_SECONDS is 30, then the wait is counted in seconds from the expiry', async () => {
    const { app, buyer, ticket } = await anExpiredReservation({ RESERVATION_COOLDOWN_SECONDS: 30 }, 10);
    const refused = await reserve(app, buyer, ticket.id).expect(429);
    expect(refused.body.errors[0].message).toMatch(/again in (19|20) seconds, at /);
  });
});

describe('RATE_LIMIT_ORDERS: reservation requests per buyer per minute', () => {
  it('when a buyer sends more requests than the limit, then the next answers 429 RATE_LIMITED, whatever the earlier ones answered', async () => {
    const app = bed.app({ RATE_LIMIT_ORDERS: 3 }, { redis });
    const buyer = aUser();
    const ticket = await bed.aTicket();
    await reserve(app, buyer, ticket.id).expect(201);
    await reserve(app, buyer, ticket.id).expect(400);
    await reserve(app, buyer, 'not-a-uuid').expect(400);

    const refused = await reserve(app, buyer, (await bed.aTicket()).id).expect(429);

    expect(refused.body.errors[0].message).toMatch(
      /^Too many reservation requests: at most 3 a minute; try again in (\d+ seconds|1 minute)$/,
    );
    expect(refused.body.errors[0].code).toBe('RATE_LIMITED');
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(0);
    // Another buyer has their own budget.
    await reserve(app, aUser(), (await bed.aTicket()).id).expect(201);
  });

  it('when the requests go to two replicas, then they share the buyer’s budget through Redis', async () => {
    const [a, b] = [bed.app({ RATE_LIMIT_ORDERS: 2 }, { redis }), bed.app({ RATE_LIMIT_ORDERS: 2 }, { redis })];
    const buyer = aUser();
    await reserve(a, buyer, (await bed.aTicket()).id).expect(201);
    await reserve(b, buyer, (await bed.aTicket()).id).expect(201);
    await reserve(a, buyer, (await bed.aTicket()).id).expect(429);
  });

  it('when the request is signed out, then it answers 401 and costs no budget', async () => {
    const app = bed.app({ RATE_LIMIT_ORDERS: 1 }, { redis });
    const ticket = await bed.aTicket();
    for (let i = 0; i < 3; i += 1) await request(app).post('/api/orders').send({ ticketId: ticket.id }).expect(401);
    await reserve(app, aUser(), ticket.id).expect(201);
  });
});
