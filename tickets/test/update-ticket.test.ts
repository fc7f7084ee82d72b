import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import { aTicket, aUser, createTicketsTestBed, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const put = (id: string, cookie?: string[]) => {
  const call = request(bed.app()).put(`/api/tickets/${id}`);
  return cookie ? call.set('Cookie', cookie) : call;
};

describe('PUT /api/tickets/:id', () => {
  it('when the owner edits an available ticket, then it answers 200 with version 1 and publishes ticket.updated in cents', async () => {
    const ticket = await aTicket(bed, { title: 'Before', price: 10 });
    const response = await put(ticket.id, ticket.seller.cookie)
      .set('X-Request-Id', 'req-edit-1')
      .send({ title: ' After ', price: 15.25 })
      .expect(200);

    expect(response.body).toEqual({
      id: ticket.id,
      title: 'After',
      price: 15.25,
      userId: ticket.seller.id,
      version: 1,
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
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'After', priceCents: 1525, version: 1 });
    const events = await bed.eventsAbout(ticket.id, 2);
    expect(events.map((event) => [event.subject, event.data.version])).toEqual([
      [Subjects.TicketCreated, 0],
      [Subjects.TicketUpdated, 1],
    ]);
    expect(events[1]).toMatchObject({
      correlationId: 'req-edit-1',
      data: {
        id: ticket.id,
        version: 1,
        title: 'After',
        price: 1525,
        currency: 'usd',
        userId: ticket.seller.id,
        orderId: null,
      },
    });
  });

  it('when the new price is below Stripe’s minimum charge, then it answers 400 stating the minimum and the ticket is unchanged', async () => {
    const ticket = await aTicket(bed, { price: 10 });
    const response = await put(ticket.id, ticket.seller.cookie).send({ title: 'Cheap', price: 0.49 }).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Price must be at least 0.50 USD', code: 'PRICE_BELOW_MINIMUM', field: 'price' }],
    });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', priceCents: 1000, version: 0 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(1);
  });

  it('when the owner edits twice, then the versions and their events follow each other', async () => {
    const ticket = await aTicket(bed);
    await put(ticket.id, ticket.seller.cookie).send({ title: 'One', price: 1 }).expect(200);
    const second = await put(ticket.id, ticket.seller.cookie).send({ title: 'Two', price: 2 }).expect(200);
    expect(second.body.version).toBe(2);
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events.map((event) => [event.data.version, event.data.title, event.data.price])).toEqual([
      [0, 'Concert', 2000],
      [1, 'One', 100],
      [2, 'Two', 200],
    ]);
  });

  it('when signed out, then it answers 401 and changes nothing', async () => {
    const ticket = await aTicket(bed);
    await put(ticket.id).send({ title: 'Hijack', price: 1 }).expect(401);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', version: 0 });
  });

  it('when signed out and the id is not a UUID, then it answers 401 before looking at the input', async () => {
    await put('nope').send({}).expect(401);
  });

  it('when the user does not own the ticket, then it answers 401, changes nothing and publishes nothing', async () => {
    const ticket = await aTicket(bed);
    const response = await put(ticket.id, aUser().cookie).send({ title: 'Hijack', price: 1 }).expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'TICKET_NOT_OWNER' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', version: 0 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(1);
  });

  it('when no ticket has the id, then it answers 404', async () => {
    const response = await put(randomUUID(), aUser().cookie).send({ title: 'Ghost', price: 1 }).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket not found', code: 'TICKET_NOT_FOUND' }] });
  });

  it('when the id is not a UUID, then it answers 400 naming id', async () => {
    const response = await put('not-a-uuid', aUser().cookie).send({ title: 'Ghost', price: 1 }).expect(400);
    expect(response.body).toEqual({
      errors: [{ field: 'id', message: 'Ticket id must be a UUID', code: 'VALIDATION_FAILED' }],
    });
  });

  it.each([
    ['no price', { title: 'New' }, 'price'],
    ['no title', { price: 5 }, 'title'],
    ['a title of whitespace only', { title: '    ', price: 5 }, 'title'],
    ['a title of 201 characters', { title: 'b'.repeat(201), price: 5 }, 'title'],
    ['a price of 0', { title: 'New', price: 0 }, 'price'],
    ['a negative price', { title: 'New', price: -1 }, 'price'],
    ['a price with 3 decimals', { title: 'New', price: 1.001 }, 'price'],
    ['a price of 1,000,000.01', { title: 'New', price: 1_000_000.01 }, 'price'],
    ['the price as a string', { title: 'New', price: '20' }, 'price'],
    ['an orderId', { title: 'New', price: 5, orderId: null }, 'orderId'],
  ])('when the body has %s, then it answers 400 naming the field and changes nothing', async (_case, body, field) => {
    const ticket = await aTicket(bed);
    const response = await put(ticket.id, ticket.seller.cookie).send(body).expect(400);
    expect(response.body.errors).toEqual([{ field, message: expect.any(String), code: 'VALIDATION_FAILED' }]);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', priceCents: 2000, version: 0 });
  });

  it('when the JSON is malformed, then it answers 400', async () => {
    const ticket = await aTicket(bed);
    const response = await put(ticket.id, ticket.seller.cookie)
      .set('Content-Type', 'application/json')
      .send('{"title":')
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Malformed JSON body', code: 'MALFORMED_JSON' }] });
  });

  it('when the ticket is reserved, then the owner gets 400 "Ticket is reserved" and nothing changes', async () => {
    const ticket = await aTicket(bed);
    const orderId = randomUUID();
    await bed.db.update(tickets).set({ orderId, version: 1 }).where(eq(tickets.id, ticket.id));
    const response = await put(ticket.id, ticket.seller.cookie).send({ title: 'New', price: 5 }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', version: 1, orderId });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(1);
  });

  it('when the ticket is sold, then the owner gets 400 "Ticket is sold"', async () => {
    const ticket = await aTicket(bed);
    await bed.db
      .update(tickets)
      .set({ orderId: randomUUID(), soldAt: new Date(), version: 2 })
      .where(eq(tickets.id, ticket.id));
    const response = await put(ticket.id, ticket.seller.cookie).send({ title: 'New', price: 5 }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is sold', code: 'TICKET_SOLD' }] });
  });

  it('when someone else tries to edit a reserved ticket, then ownership is checked first (401)', async () => {
    const ticket = await aTicket(bed);
    await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eq(tickets.id, ticket.id));
    await put(ticket.id, aUser().cookie).send({ title: 'New', price: 5 }).expect(401);
  });
});
