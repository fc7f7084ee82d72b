import { randomUUID } from 'node:crypto';
import { OrderStatus } from '@ticketing/common';
import request from 'supertest';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

async function reserve(cookie: string[], ticketId: string) {
  const response = await request(bed.app()).post('/api/orders').set('Cookie', cookie).send({ ticketId }).expect(201);
  return response.body as { id: string };
}

describe('GET /api/orders', () => {
  it('when the buyer has orders, then it answers only theirs, newest first, each with its ticket', async () => {
    const buyer = aUser();
    const [first, second, other] = [
      await bed.aTicket({ title: 'First', priceCents: 1000 }),
      await bed.aTicket({ title: 'Second', priceCents: 1999 }),
      await bed.aTicket(),
    ];
    const older = await reserve(buyer.cookie, first.id);
    const newer = await reserve(buyer.cookie, second.id);
    await reserve(aUser().cookie, other.id);

    const response = await request(bed.app()).get('/api/orders').set('Cookie', buyer.cookie).expect(200);

    expect(response.body.orders.map((order: { id: string }) => order.id)).toEqual([newer.id, older.id]);
    expect(response.body.orders[0]).toEqual({
      id: newer.id,
      userId: buyer.id,
      status: 'created',
      expiresAt: expect.any(String),
      version: 0,
      price: 19.99,
      buyerFee: 2,
      total: 21.99,
      currency: 'usd',
      ticket: { id: second.id, title: 'Second', price: 19.99 },
      createdAt: expect.any(String),
      paidAt: null,
      paymentId: null,
    });
  });

  it('when the buyer has no orders, then it answers an empty list', async () => {
    const response = await request(bed.app()).get('/api/orders').set('Cookie', aUser().cookie).expect(200);
    expect(response.body).toEqual({ orders: [] });
  });

  it('when nobody is signed in, then it answers 401', async () => {
    await request(bed.app()).get('/api/orders').expect(401);
  });
});

describe('GET /api/orders/:id', () => {
  it('when the buyer asks for their paid order, then it answers 200 with it, when it was reserved and paid and the payment’s id', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket({ title: 'Play', priceCents: 5000 });
    const paidAt = new Date('2030-01-01T12:03:04.000Z');
    const paymentId = randomUUID();
    const order = await bed.anOrder(ticket, {
      userId: buyer.id,
      status: OrderStatus.Complete,
      version: 1,
      createdAt: new Date('2030-01-01T12:00:00.000Z'),
      buyerFeeCents: 500,
      paidAt,
      paymentId,
    });

    const response = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);

    expect(response.body).toEqual({
      id: order.id,
      userId: buyer.id,
      status: 'complete',
      expiresAt: order.expiresAt.toISOString(),
      version: 1,
      price: 50,
      buyerFee: 5,
      total: 55,
      currency: 'usd',
      ticket: { id: ticket.id, title: 'Play', price: 50 },
      createdAt: '2030-01-01T12:00:00.000Z',
      paidAt: '2030-01-01T12:03:04.000Z',
      paymentId,
    });
  });

  it('when the order belongs to someone else, then it answers 401 without revealing it', async () => {
    const order = await bed.anOrder(await bed.aTicket());
    const response = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', aUser().cookie).expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'ORDER_NOT_OWNED' }] });
  });

  it('when the order does not exist, then it answers 404', async () => {
    const response = await request(bed.app())
      .get('/api/orders/0b9a3c55-31d2-4f6c-8d0e-6a1f1c2b3d4e')
      .set('Cookie', aUser().cookie)
      .expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Order not found', code: 'ORDER_NOT_FOUND' }] });
  });

  it('when the id is not a UUID, then it answers 400 naming it', async () => {
    const response = await request(bed.app()).get('/api/orders/not-an-id').set('Cookie', aUser().cookie).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Order id must be a valid UUID', code: 'VALIDATION_FAILED', field: 'id' }],
    });
  });

  it('when nobody is signed in, then it answers 401', async () => {
    const order = await bed.anOrder(await bed.aTicket());
    await request(bed.app()).get(`/api/orders/${order.id}`).expect(401);
  });
});

describe('operations endpoints', () => {
  it('answers /livez, /readyz and /metrics', async () => {
    await request(bed.app()).get('/livez').expect(200);
    const ready = await request(bed.app()).get('/readyz').expect(200);
    expect(ready.body.status).toBe('ready');
    const metrics = await request(bed.app()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('answers 404 with the error body for an unknown route', async () => {
    const response = await request(bed.app()).get('/api/orders/a/b').expect(404);
    expect(response.body.errors[0]).toEqual({ message: 'Route not found', code: 'NOT_FOUND' });
  });
});
