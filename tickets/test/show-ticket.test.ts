import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import { aTicket, createTicketsTestBed, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

describe('GET /api/tickets/:id', () => {
  it('when the ticket exists, then anyone signed out gets it with 200', async () => {
    const ticket = await aTicket(bed, { title: 'Opera', price: 99.99 });
    const response = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(response.body).toEqual({
      id: ticket.id,
      title: 'Opera',
      price: 99.99,
      userId: ticket.seller.id,
      version: 0,
      orderId: null,
      status: 'available',
      soldAt: null,
      currency: 'usd',
      eventId: null,
      faceValue: null,
      seat: null,
      resaleOfPassId: null,
      rejectionReason: null,
    });
  });

  it('when the ticket is reserved, then it is still readable, with its order', async () => {
    const ticket = await aTicket(bed);
    const orderId = randomUUID();
    await bed.db.update(tickets).set({ orderId, version: 1 }).where(eq(tickets.id, ticket.id));
    const response = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(response.body).toMatchObject({ orderId, version: 1, status: 'reserved' });
  });

  it('when the ticket is sold, then it is still readable', async () => {
    const ticket = await aTicket(bed);
    const orderId = randomUUID();
    await bed.db.update(tickets).set({ orderId, soldAt: new Date() }).where(eq(tickets.id, ticket.id));
    const response = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(response.body).toMatchObject({ orderId, status: 'sold' });
  });

  it('when no ticket has the id, then it answers 404', async () => {
    const response = await request(bed.app()).get(`/api/tickets/${randomUUID()}`).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket not found', code: 'TICKET_NOT_FOUND' }] });
  });

  it.each(['not-a-uuid', '123', "1' or '1'='1"])('when the id is %p, then it answers 400 naming id', async (id) => {
    const response = await request(bed.app())
      .get(`/api/tickets/${encodeURIComponent(id)}`)
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ field: 'id', message: 'Ticket id must be a UUID', code: 'VALIDATION_FAILED' }],
    });
  });
});

describe('the service around the routes', () => {
  it('when an unknown route is asked for, then it answers 404', async () => {
    await request(bed.app()).delete('/api/tickets').expect(404);
  });

  it('when probed, then /livez and /readyz answer 200', async () => {
    await request(bed.app()).get('/livez').expect(200);
    const response = await request(bed.app()).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ready', checks: { db: 'ok' } });
  });

  it('when running in production, then the app still reads the session cookie', async () => {
    const ticket = await aTicket(bed);
    await request(bed.app({ NODE_ENV: 'production' }))
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'Prod', price: 1 })
      .expect(200);
  });
});
