import { randomUUID } from 'node:crypto';
import { parseConfig, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import type { Config } from '../src/config';
import { configSchema } from '../src/config';
import { resyncOrders } from '../src/domain/resync';
import { aUser, createOrdersTestBed, JWT_KEY, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

async function reserve(ticketId: string, config: Partial<Config> = {}) {
  const buyer = aUser();
  const response = await request(bed.app(config))
    .post('/api/orders')
    .set('Cookie', buyer.cookie)
    .send({ ticketId })
    .expect(201);
  return { buyer, order: response.body as { id: string; price: number; buyerFee: number; total: number } };
}

describe('the amounts stored on an order', () => {
  it('when a buyer reserves a $45.00 ticket with the default 10 % fee, then the order stores and shows price 45, buyerFee 4.5 and total 49.5', async () => {
    const ticket = await bed.aTicket({ priceCents: 4500 });

    const { buyer, order } = await reserve(ticket.id);

    expect(order).toMatchObject({ price: 45, buyerFee: 4.5, total: 49.5, ticket: { price: 45 } });
    expect(await bed.order(order.id)).toMatchObject({ priceCents: 4500, buyerFeeCents: 450, totalCents: 4950 });
    const shown = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ price: 45, buyerFee: 4.5, total: 49.5 });
    const listed = await request(bed.app()).get('/api/orders').set('Cookie', buyer.cookie).expect(200);
    expect(listed.body.orders).toEqual([expect.objectContaining({ price: 45, buyerFee: 4.5, total: 49.5 })]);
  });

  it('when order.created is published, then it carries the fee, the total, the ticket’s seller and its catalog event', async () => {
    const eventId = randomUUID();
    const ticket = await bed.aTicket({ priceCents: 2050, eventId });

    const { order } = await reserve(ticket.id);

    const [created] = await bed.published(Subjects.OrderCreated, order.id);
    expect(created?.data).toMatchObject({
      buyerFee: 205,
      total: 2255,
      ticket: { id: ticket.id, price: 2050, currency: 'usd', sellerId: ticket.userId, eventId },
    });
  });

  it('when the ticket is a listing of its own, then order.created says its event is null', async () => {
    const ticket = await bed.aTicket({ priceCents: 1000 });

    const { order } = await reserve(ticket.id);

    const [created] = await bed.published(Subjects.OrderCreated, order.id);
    expect(created?.data.ticket).toEqual({
      id: ticket.id,
      price: 1000,
      currency: 'usd',
      sellerId: ticket.userId,
      eventId: null,
    });
  });

  it('when BUYER_FEE_PERCENT is 0, then the order costs its price and nothing more', async () => {
    const ticket = await bed.aTicket({ priceCents: 4500 });

    const { order } = await reserve(ticket.id, { BUYER_FEE_PERCENT: 0 });

    expect(order).toMatchObject({ price: 45, buyerFee: 0, total: 45 });
    const [created] = await bed.published(Subjects.OrderCreated, order.id);
    expect(created?.data).toMatchObject({ buyerFee: 0, total: 4500 });
  });

  it('when BUYER_FEE_PERCENT is 7.5, then the fee is rounded half up to the cent (7.5 % of $19.99 is $1.50)', async () => {
    const ticket = await bed.aTicket({ priceCents: 1999 });

    const { order } = await reserve(ticket.id, { BUYER_FEE_PERCENT: 7.5 });

    expect(order).toMatchObject({ price: 19.99, buyerFee: 1.5, total: 21.49 });
    expect(await bed.order(order.id)).toMatchObject({ priceCents: 1999, buyerFeeCents: 150, totalCents: 2149 });
  });

  it('when the fee percentage changes after a reservation, then the order keeps the amounts it was reserved with', async () => {
    const ticket = await bed.aTicket({ priceCents: 4500 });
    const { buyer, order } = await reserve(ticket.id, { BUYER_FEE_PERCENT: 10 });

    const shown = await request(bed.app({ BUYER_FEE_PERCENT: 20 }))
      .get(`/api/orders/${order.id}`)
      .set('Cookie', buyer.cookie)
      .expect(200);

    expect(shown.body).toMatchObject({ price: 45, buyerFee: 4.5, total: 49.5 });
  });

  it('when an order’s total is not its price plus its fee, then the database refuses it', async () => {
    const ticket = await bed.aTicket({ priceCents: 4500 });

    await expect(bed.anOrder(ticket, { buyerFeeCents: 450, totalCents: 4500 })).rejects.toMatchObject({
      cause: expect.objectContaining({ constraint: 'orders_total_is_price_plus_fee' }),
    });
  });

  it('when orders are resynced, then each order.created carries its stored amounts, seller and event', async () => {
    const eventId = randomUUID();
    const ticket = await bed.aTicket({ priceCents: 3000, eventId });
    const { order } = await reserve(ticket.id);
    await bed.published(Subjects.OrderCreated, order.id);

    await resyncOrders(bed.deps, randomUUID());

    const events = await bed.published(Subjects.OrderCreated, order.id);
    expect(events).toHaveLength(2);
    expect(events[1]?.data).toMatchObject({
      buyerFee: 300,
      total: 3300,
      ticket: { price: 3000, sellerId: ticket.userId, eventId },
    });
  });

  it('when ticket.created carries the ticket’s catalog event, then the replica stores it, and ticket.updated moves it', async () => {
    const [eventId, otherEventId] = [randomUUID(), randomUUID()];
    const ticket = { id: randomUUID(), version: 0, title: 'Gig', price: 2000, userId: randomUUID(), eventId };

    await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(async () => (await bed.ticket(ticket.id))?.eventId === eventId);
    await bed.publish(Subjects.TicketUpdated, { ...ticket, version: 1, eventId: otherEventId });

    await waitFor(async () => (await bed.ticket(ticket.id))?.eventId === otherEventId);
    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 1, eventId: otherEventId });
  });
});

describe('BUYER_FEE_PERCENT', () => {
  const required = { JWT_KEY, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders' };

  it('when it is not set, then the buyer fee is 10 %', () => {
    expect(parseConfig(configSchema, required).BUYER_FEE_PERCENT).toBe(10);
  });

  it('when it is 7.5, then it is read as 7.5 %', () => {
    expect(parseConfig(configSchema, { ...required, BUYER_FEE_PERCENT: '7.5' }).BUYER_FEE_PERCENT).toBe(7.5);
  });

  it.each(['-1', '51', 'ten', '2.555'])('when it is %s, then the configuration is refused naming it', (value) => {
    expect(() => parseConfig(configSchema, { ...required, BUYER_FEE_PERCENT: value })).toThrow(/BUYER_FEE_PERCENT/);
  });
});
