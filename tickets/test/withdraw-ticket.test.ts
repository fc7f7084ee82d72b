import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import { aTicket, aUser, createTicketsTestBed, orderEvents, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
  await bed.startListeners();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const withdraw = (id: string, cookie?: string[]) => {
  const call = request(bed.app()).post(`/api/tickets/${id}/withdraw`);
  return cookie ? call.set('Cookie', cookie) : call;
};

const relist = (id: string, cookie?: string[]) => {
  const call = request(bed.app()).post(`/api/tickets/${id}/relist`);
  return cookie ? call.set('Cookie', cookie) : call;
};

async function listedIds(query: Record<string, string> = {}): Promise<string[]> {
  const response = await request(bed.app()).get('/api/tickets').query(query).expect(200);
  return response.body.tickets.map((ticket: { id: string }) => ticket.id);
}

/** Publishes the event and waits until its consumer acknowledged it (its transaction committed). */
async function deliver(event: Parameters<TicketsTestBed['publish']>[0]) {
  const seq = await bed.publish(event);
  await bed.handled(event.subject, seq);
}

describe('POST /api/tickets/:id/withdraw', () => {
  it('when the owner unlists an available ticket, then it is withdrawn as version 1 and ticket.updated says so', async () => {
    const ticket = await aTicket(bed, { title: 'Opera', price: 40 });
    const response = await withdraw(ticket.id, ticket.seller.cookie).set('X-Request-Id', 'req-unlist').expect(200);

    expect(response.body).toEqual({
      id: ticket.id,
      title: 'Opera',
      price: 40,
      userId: ticket.seller.id,
      version: 1,
      orderId: null,
      status: 'withdrawn',
      soldAt: null,
      currency: 'usd',
      eventId: null,
      faceValue: null,
      seat: null,
      resaleOfPassId: null,
      rejectionReason: null,
    });
    expect((await bed.ticketRow(ticket.id))?.withdrawnAt).toBeInstanceOf(Date);
    const events = await bed.eventsAbout(ticket.id, 2);
    expect(events[1]).toMatchObject({
      subject: Subjects.TicketUpdated,
      correlationId: 'req-unlist',
      data: { id: ticket.id, version: 1, orderId: null, status: 'withdrawn', price: 4000 },
    });
  });

  it('when a ticket is withdrawn, then the public listing leaves it out (also with reserved ones), its page says withdrawn and mine=true shows it', async () => {
    const ticket = await aTicket(bed);
    const other = await aTicket(bed, { title: 'Still on sale' });
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);

    expect(await listedIds()).toEqual([other.id]);
    expect(await listedIds({ include: 'reserved' })).toEqual([other.id]);
    expect(await listedIds({ q: 'Concert' })).toEqual([]);
    const shown = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'withdrawn', version: 1 });
    const mine = await request(bed.app()).get('/api/tickets?mine=true').set('Cookie', ticket.seller.cookie).expect(200);
    expect(mine.body.tickets).toEqual([expect.objectContaining({ id: ticket.id, status: 'withdrawn' })]);
  });

  it('when the ticket is already withdrawn, then it answers 409 TICKET_WITHDRAWN and publishes nothing', async () => {
    const ticket = await aTicket(bed);
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);
    const response = await withdraw(ticket.id, ticket.seller.cookie).expect(409);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is already unlisted', code: 'TICKET_WITHDRAWN' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 1 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(2);
  });

  it('when the ticket is reserved, then it answers 400 TICKET_RESERVED and nothing changes', async () => {
    const ticket = await aTicket(bed);
    await bed.db.update(tickets).set({ orderId: randomUUID(), version: 1 }).where(eq(tickets.id, ticket.id));
    const response = await withdraw(ticket.id, ticket.seller.cookie).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 1, withdrawnAt: null });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(1);
  });

  it('when the ticket is sold, then it answers 400 TICKET_SOLD', async () => {
    const ticket = await aTicket(bed);
    await bed.db
      .update(tickets)
      .set({ orderId: randomUUID(), soldAt: new Date(), version: 2 })
      .where(eq(tickets.id, ticket.id));
    const response = await withdraw(ticket.id, ticket.seller.cookie).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is sold', code: 'TICKET_SOLD' }] });
  });

  it('when someone else tries, then it answers 401 TICKET_NOT_OWNER and nothing changes', async () => {
    const ticket = await aTicket(bed);
    const response = await withdraw(ticket.id, aUser().cookie).expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'TICKET_NOT_OWNER' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 0, withdrawnAt: null });
  });

  it('when signed out, then it answers 401 NOT_AUTHORIZED', async () => {
    const ticket = await aTicket(bed);
    const response = await withdraw(ticket.id).expect(401);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'NOT_AUTHORIZED' })]);
  });

  it('when no ticket has the id, then it answers 404 TICKET_NOT_FOUND', async () => {
    const response = await withdraw(randomUUID(), aUser().cookie).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket not found', code: 'TICKET_NOT_FOUND' }] });
  });

  it('when the id is not a UUID, then it answers 400 naming id', async () => {
    const response = await withdraw('not-a-uuid', aUser().cookie).expect(400);
    expect(response.body.errors).toEqual([
      { field: 'id', message: 'Ticket id must be a UUID', code: 'VALIDATION_FAILED' },
    ]);
  });

  it('when many unlist requests race, then exactly one succeeds and the others answer 409, with one event', async () => {
    const ticket = await aTicket(bed);
    const answers = await Promise.all(Array.from({ length: 5 }, () => withdraw(ticket.id, ticket.seller.cookie)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 1 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(2);
  });
});

describe('POST /api/tickets/:id/relist', () => {
  it('when the owner relists a withdrawn ticket, then it is available as version 2, published and listed again', async () => {
    const ticket = await aTicket(bed);
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);
    const response = await relist(ticket.id, ticket.seller.cookie).expect(200);

    expect(response.body).toMatchObject({ id: ticket.id, version: 2, status: 'available', soldAt: null });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 2, withdrawnAt: null });
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events.map((event) => [event.subject, event.data.version, event.data.status])).toEqual([
      [Subjects.TicketCreated, 0, undefined],
      [Subjects.TicketUpdated, 1, 'withdrawn'],
      [Subjects.TicketUpdated, 2, 'available'],
    ]);
    expect(await listedIds()).toEqual([ticket.id]);
  });

  it('when the ticket is on sale, then it answers 409 TICKET_NOT_WITHDRAWN and publishes nothing', async () => {
    const ticket = await aTicket(bed);
    const response = await relist(ticket.id, ticket.seller.cookie).expect(409);
    expect(response.body).toEqual({
      errors: [{ message: 'Ticket is not unlisted: it is already on sale', code: 'TICKET_NOT_WITHDRAWN' }],
    });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(1);
  });

  it('when the ticket is sold, then it answers 400 TICKET_SOLD', async () => {
    const ticket = await aTicket(bed);
    await bed.db
      .update(tickets)
      .set({ orderId: randomUUID(), soldAt: new Date(), version: 2 })
      .where(eq(tickets.id, ticket.id));
    const response = await relist(ticket.id, ticket.seller.cookie).expect(400);
    expect(response.body.errors).toEqual([{ message: 'Ticket is sold', code: 'TICKET_SOLD' }]);
  });

  it('when someone else tries, then it answers 401 TICKET_NOT_OWNER and the ticket stays withdrawn', async () => {
    const ticket = await aTicket(bed);
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);
    await relist(ticket.id, aUser().cookie).expect(401);
    expect((await bed.ticketRow(ticket.id))?.withdrawnAt).toBeInstanceOf(Date);
  });

  it('when the id is not a UUID, then it answers 400 naming id', async () => {
    const response = await relist('42', aUser().cookie).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'id', code: 'VALIDATION_FAILED' })]);
  });
});

describe('a withdrawn ticket', () => {
  it('when its owner edits it, then the edit applies and it stays withdrawn (the event says so)', async () => {
    const ticket = await aTicket(bed);
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);
    const response = await request(bed.app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'New title', price: 25 })
      .expect(200);
    expect(response.body).toMatchObject({ title: 'New title', version: 2, status: 'withdrawn' });
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events[2]?.data).toMatchObject({ version: 2, title: 'New title', status: 'withdrawn' });
    expect(await listedIds()).toEqual([]);
  });

  it('when a reservation that raced the unlisting arrives, then the order holds it, and once cancelled it is withdrawn again, not back on sale', async () => {
    const ticket = await aTicket(bed);
    await withdraw(ticket.id, ticket.seller.cookie).expect(200);
    const created = orderEvents.created(ticket);
    await deliver(created);

    const reserved = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(reserved.body).toMatchObject({ status: 'reserved', orderId: created.data.id, version: 2 });
    const relisted = await relist(ticket.id, ticket.seller.cookie).expect(400);
    expect(relisted.body.errors).toEqual([{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }]);

    await deliver(orderEvents.cancelled(ticket, created.data.id));
    const released = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(released.body).toMatchObject({ status: 'withdrawn', orderId: null, version: 3 });
    const events = await bed.eventsAbout(ticket.id, 4);
    expect(events.map((event) => event.data.status)).toEqual([undefined, 'withdrawn', 'reserved', 'withdrawn']);
    expect(await listedIds({ include: 'reserved' })).toEqual([]);
  });
});

describe('soldAt', () => {
  it('when the order completes, then the ticket shows when it sold; before that soldAt is null', async () => {
    const ticket = await aTicket(bed);
    expect(ticket.soldAt).toBeNull();
    const created = orderEvents.created(ticket);
    await deliver(created);
    const before = Date.now();
    await deliver(orderEvents.completed(ticket, created.data.id));

    const shown = await waitFor(async () => {
      const response = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
      return response.body.status === 'sold' ? response.body : undefined;
    });
    expect(typeof shown.soldAt).toBe('string');
    const soldAt = new Date(shown.soldAt).getTime();
    expect(soldAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(soldAt).toBeLessThanOrEqual(Date.now());
    const mine = await request(bed.app()).get('/api/tickets?mine=true').set('Cookie', ticket.seller.cookie).expect(200);
    expect(mine.body.tickets[0]).toMatchObject({ status: 'sold', soldAt: shown.soldAt });
  });
});
