import { OrderStatus, Subjects } from '@ticketing/common';
import { signin } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import * as ticketsRepository from '../src/db/tickets.repository';
import { reserveTicket } from '../src/domain/orders';
import { aUser, createOrdersTestBed, JWT_KEY, type OrdersTestBed, RESERVATION_RULES } from './harness';

// The read the fast path makes, wrapped by one test to hold two reservations after it.
jest.mock('../src/db/tickets.repository', () => {
  const actual = jest.requireActual('../src/db/tickets.repository');
  return { ...actual, findTicketForReservation: jest.fn(actual.findTicketForReservation) };
});
const realFindTicketForReservation: typeof ticketsRepository.findTicketForReservation =
  jest.requireActual('../src/db/tickets.repository').findTicketForReservation;

/** Resolves for every caller once `parties` callers are waiting. */
function gate(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === parties) open();
    return opened;
  };
}

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/orders', () => {
  it('when a buyer reserves an available ticket, then it answers 201 with the order, stores it and publishes order.created', async () => {
    const ticket = await bed.aTicket({ title: 'Opera', priceCents: 2050 });
    const buyer = aUser();
    const before = Date.now();

    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .set('x-request-id', 'req-reserve-1')
      .send({ ticketId: ticket.id })
      .expect(201);

    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: buyer.id,
      status: 'created',
      expiresAt: expect.stringMatching(ISO),
      version: 0,
      price: 20.5,
      buyerFee: 2.05,
      total: 22.55,
      currency: 'usd',
      ticket: { id: ticket.id, title: 'Opera', price: 20.5 },
      createdAt: expect.stringMatching(ISO),
      paidAt: null,
      paymentId: null,
    });
    const expiresAt = Date.parse(response.body.expiresAt);
    const createdAt = Date.parse(response.body.createdAt);
    expect(createdAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);

    expect(await bed.order(response.body.id)).toMatchObject({
      userId: buyer.id,
      ticketId: ticket.id,
      status: OrderStatus.Created,
      version: 0,
      priceCents: 2050,
      buyerFeeCents: 205,
      totalCents: 2255,
    });

    const events = await bed.published(Subjects.OrderCreated, response.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      correlationId: 'req-reserve-1',
      data: {
        id: response.body.id,
        version: 0,
        status: 'created',
        userId: buyer.id,
        expiresAt: response.body.expiresAt,
        buyerFee: 205,
        total: 2255,
        ticket: { id: ticket.id, price: 2050, currency: 'usd', sellerId: ticket.userId, eventId: null },
      },
    });
  });

  it('when EXPIRATION_WINDOW_SECONDS is set, then the reservation lasts that long', async () => {
    const ticket = await bed.aTicket();
    const before = Date.now();
    const response = await request(bed.app({ EXPIRATION_WINDOW_SECONDS: 60 }))
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
    const expiresAt = Date.parse(response.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('when nobody is signed in, then it answers 401 and stores nothing', async () => {
    const ticket = await bed.aTicket();
    const response = await request(bed.app()).post('/api/orders').send({ ticketId: ticket.id }).expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }] });
    expect(await bed.ordersOfTicket(ticket.id)).toHaveLength(0);
  });

  it.each([
    ['no ticketId', {}, 'ticketId is required'],
    ['a null ticketId', { ticketId: null }, 'ticketId is required'],
    ['a ticketId that is not a UUID', { ticketId: 'ticket-1' }, 'ticketId must be a valid UUID'],
    ['a numeric ticketId', { ticketId: 42 }, 'ticketId must be a string'],
    ['an object as ticketId', { ticketId: { $ne: '' } }, 'ticketId must be a string'],
  ])('when the body has %s, then it answers 400 naming the field', async (_case, body, message) => {
    const response = await request(bed.app()).post('/api/orders').set('Cookie', aUser().cookie).send(body).expect(400);
    expect(response.body).toEqual({ errors: [{ message, code: 'VALIDATION_FAILED', field: 'ticketId' }] });
  });

  it('when the ticket does not exist, then it answers 404', async () => {
    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: '7f0c1a52-5d2e-4a4b-9a55-0d8f2b8c1e11' })
      .expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket not found', code: 'TICKET_NOT_FOUND' }] });
  });

  it('when the seller tries to buy their own ticket, then it answers 400 and stores nothing', async () => {
    const seller = aUser();
    const ticket = await bed.aTicket({ userId: seller.id });
    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', seller.cookie)
      .send({ ticketId: ticket.id })
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'You cannot buy your own ticket', code: 'OWN_TICKET' }] });
    expect(await bed.ordersOfTicket(ticket.id)).toHaveLength(0);
  });

  it('when the seller’s token spells their id in capitals, then it is still their own ticket', async () => {
    const seller = aUser();
    const ticket = await bed.aTicket({ userId: seller.id });
    await request(bed.app())
      .post('/api/orders')
      .set('Cookie', signin({ jwtKey: JWT_KEY, id: seller.id.toUpperCase() }))
      .send({ ticketId: ticket.id })
      .expect(400);
    expect(await bed.ordersOfTicket(ticket.id)).toHaveLength(0);
  });

  it.each([OrderStatus.Created, OrderStatus.AwaitingPayment, OrderStatus.Complete])(
    'when the ticket has an order that is %s, then it answers 400 "Ticket is already reserved" from a read, without a write transaction, and publishes nothing',
    async (status) => {
      const ticket = await bed.aTicket();
      const held = await bed.anOrder(ticket, { status });
      // Every write of the service goes through relay.transaction (its own polling does not).
      const transactions = jest.spyOn(bed.relay, 'transaction');

      try {
        const response = await request(bed.app())
          .post('/api/orders')
          .set('Cookie', aUser().cookie)
          .send({ ticketId: ticket.id })
          .expect(400);

        expect(response.body).toEqual({ errors: [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }] });
        expect(transactions).not.toHaveBeenCalled();
      } finally {
        transactions.mockRestore();
      }
      expect((await bed.ordersOfTicket(ticket.id)).map((order) => order.id)).toEqual([held.id]);
      expect(await bed.published(Subjects.OrderCreated)).toHaveLength(0);
    },
  );

  it('when the seller has withdrawn the ticket, then it answers 409 TICKET_WITHDRAWN, stores no order and publishes nothing', async () => {
    const ticket = await bed.aTicket({ withdrawn: true });
    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(409);
    expect(response.body).toEqual({
      errors: [{ message: 'This ticket is not on sale', code: 'TICKET_WITHDRAWN' }],
    });
    expect(await bed.ordersOfTicket(ticket.id)).toEqual([]);
    expect(await bed.published(Subjects.OrderCreated)).toHaveLength(0);
  });

  it('when the seller withdraws the ticket after the first read, then the transaction refuses the reservation too (409)', async () => {
    const ticket = await bed.aTicket();
    jest.mocked(ticketsRepository.findTicketForReservation).mockImplementationOnce(async (...args) => {
      const known = await realFindTicketForReservation(...args);
      await bed.db.update(tickets).set({ withdrawn: true, version: 1 }).where(eq(tickets.id, ticket.id));
      return known;
    });
    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(409);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'TICKET_WITHDRAWN' })]);
    expect(await bed.ordersOfTicket(ticket.id)).toEqual([]);
  });

  it('when the ticket’s only reservation is overdue, then the read does not refuse it: the buyer gets it and the overdue order is cancelled', async () => {
    const ticket = await bed.aTicket();
    const overdue = await bed.anOrder(ticket, { expiresAt: new Date(Date.now() - 1000) });

    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(201);

    expect(await bed.order(overdue.id)).toMatchObject({ status: OrderStatus.Cancelled });
    expect(await bed.order(response.body.id)).toMatchObject({ status: OrderStatus.Created });
  });

  it('when two reservations both pass the read, then the partial unique index still lets only one through', async () => {
    const ticket = await bed.aTicket();
    const reservation = () => ({ userId: aUser().id, ticketId: ticket.id, ...RESERVATION_RULES });
    // Both reads run before either insert: the database alone decides.
    const reads = jest.mocked(ticketsRepository.findTicketForReservation);
    const bothRead = gate(2);
    reads.mockImplementation(async (...args) => {
      const result = await realFindTicketForReservation(...args);
      await bothRead();
      return result;
    });

    try {
      const outcomes = await Promise.allSettled([
        reserveTicket(bed.deps, reservation()),
        reserveTicket(bed.deps, reservation()),
      ]);

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'TICKET_RESERVED' });
      expect(await bed.ordersOfTicket(ticket.id)).toHaveLength(1);
    } finally {
      reads.mockImplementation(realFindTicketForReservation);
    }
  });

  it('when the ticket’s earlier orders were cancelled, then it can be reserved again', async () => {
    const ticket = await bed.aTicket();
    await bed.anOrder(ticket, { status: OrderStatus.Cancelled });
    await bed.anOrder(ticket, { status: OrderStatus.Cancelled });
    await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
    expect(await bed.ordersOfTicket(ticket.id)).toHaveLength(3);
  });

  it('when a ticket is reserved again after its order was cancelled, then the new order.created carries the next reservation number', async () => {
    const ticket = await bed.aTicket();
    const reserve = () =>
      request(bed.app()).post('/api/orders').set('Cookie', aUser().cookie).send({ ticketId: ticket.id }).expect(201);
    const first = await reserve();
    await bed.backdate(first.body.id);
    const second = await reserve();

    expect(await bed.order(first.body.id)).toMatchObject({ status: OrderStatus.Cancelled, reservationNumber: 1 });
    expect(await bed.order(second.body.id)).toMatchObject({ status: OrderStatus.Created, reservationNumber: 2 });
    const created = (await bed.published(Subjects.OrderCreated)).filter((event) => event.data.ticket.id === ticket.id);
    expect(created.map((event) => [event.data.id, event.data.reservationNumber])).toEqual([
      [first.body.id, 1],
      [second.body.id, 2],
    ]);
  });

  it('when the same buyer reserves the ticket twice, then the second attempt is refused too', async () => {
    const ticket = await bed.aTicket();
    const buyer = aUser();
    await request(bed.app()).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: ticket.id }).expect(201);
    await request(bed.app()).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: ticket.id }).expect(400);
  });
});
