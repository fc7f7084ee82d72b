import { Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import type { TicketRow } from '../src/db/schema';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

/** The seller's edit reaching orders' replica as ticket.updated (the next version, a new price). */
async function sellerChangesPrice(ticket: TicketRow, priceCents: number): Promise<void> {
  const version = ticket.version + 1;
  await bed.publish(Subjects.TicketUpdated, {
    id: ticket.id,
    version,
    title: ticket.title,
    price: priceCents,
    userId: ticket.userId,
  });
  await waitFor(async () => (await bed.ticket(ticket.id))?.version === version);
}

async function reserve(cookie: string[], ticketId: string) {
  const response = await request(bed.app()).post('/api/orders').set('Cookie', cookie).send({ ticketId }).expect(201);
  return response.body as { id: string; ticket: { price: number } };
}

describe('the price of an order', () => {
  it('when the seller changes the price after the reservation, then the order, the buyer’s orders and order.created keep the price it was reserved at', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket({ title: 'Opera', priceCents: 2050 });
    const order = await reserve(buyer.cookie, ticket.id);

    // tickets had not applied the reservation yet, so the seller's edit went through there.
    await sellerChangesPrice(ticket, 9900);

    const shown = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ price: 20.5, ticket: { id: ticket.id, title: 'Opera', price: 20.5 } });
    const listed = await request(bed.app()).get('/api/orders').set('Cookie', buyer.cookie).expect(200);
    expect(listed.body.orders).toEqual([expect.objectContaining({ id: order.id, price: 20.5 })]);
    expect(listed.body.orders[0].ticket.price).toBe(20.5);
    expect(await bed.order(order.id)).toMatchObject({ priceCents: 2050 });
    const [created] = await bed.published(Subjects.OrderCreated, order.id);
    expect(created?.data.ticket.price).toBe(2050);
  });

  it('when the seller changed the price after the buyer last looked, then the reservation is made at the price orders has, and the order shows that price before payment', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket({ priceCents: 2050 });
    await sellerChangesPrice(ticket, 2500);

    const order = await reserve(buyer.cookie, ticket.id);

    expect(order).toMatchObject({ price: 25, ticket: { price: 25 } });
    const shown = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ status: 'created', price: 25, ticket: { price: 25 } });
    const [created] = await bed.published(Subjects.OrderCreated, order.id);
    expect(created?.data.ticket.price).toBe(2500);
  });

  it('when PAYMENT_CURRENCY is jpy, then the order’s price is a whole number of yen, and order.created carries it with its currency', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket({ priceCents: 5000 });
    const response = await request(bed.app({ PAYMENT_CURRENCY: 'jpy' }))
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: ticket.id })
      .expect(201);

    expect(response.body).toMatchObject({
      price: 5000,
      buyerFee: 500,
      total: 5500,
      currency: 'jpy',
      ticket: { price: 5000 },
    });
    const [created] = await bed.published(Subjects.OrderCreated, response.body.id);
    expect(created?.data.ticket).toEqual({
      id: ticket.id,
      price: 5000,
      currency: 'jpy',
      sellerId: ticket.userId,
      eventId: null,
    });
  });
});
