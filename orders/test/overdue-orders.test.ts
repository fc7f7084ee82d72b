import { OrderStatus, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { OverdueOrdersSweep } from '../src/jobs/overdue-orders.sweep';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
const sweeps: OverdueOrdersSweep[] = [];
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterEach(async () => {
  await Promise.all(sweeps.splice(0).map((sweep) => sweep.stop()));
});
afterAll(() => bed?.close());

function aSweep(intervalMs = 0, batchSize?: number) {
  const sweep = new OverdueOrdersSweep({ orders: bed.deps, logger: bed.logger, intervalMs, batchSize });
  sweeps.push(sweep);
  return sweep;
}

async function anOverdueReservation() {
  const buyer = aUser();
  const ticket = await bed.aTicket();
  const order = await bed.anOrder(ticket, { userId: buyer.id, expiresAt: new Date(Date.now() - 1000) });
  return { buyer, ticket, order };
}

describe('an overdue reservation (expiry enforced by data)', () => {
  it('when its window has passed but nothing cancelled it yet, then the buyer sees it cancelled', async () => {
    const { buyer, order } = await anOverdueReservation();

    const shown = await request(bed.app()).get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    const listed = await request(bed.app()).get('/api/orders').set('Cookie', buyer.cookie).expect(200);

    expect(shown.body).toMatchObject({ status: 'cancelled', version: 0 });
    expect(listed.body.orders).toEqual([shown.body]);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Created });
  });

  it('when a new buyer reserves the ticket, then they get it, and the overdue order is cancelled with one order.cancelled', async () => {
    const { ticket, order } = await anOverdueReservation();
    const newBuyer = aUser();

    const response = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', newBuyer.cookie)
      .send({ ticketId: ticket.id })
      .expect(201);

    expect(response.body).toMatchObject({ userId: newBuyer.id, status: 'created' });
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, order.id)).toEqual([
      expect.objectContaining({ data: { id: order.id, version: 1, ticket: { id: ticket.id } } }),
    ]);
    expect(await bed.published(Subjects.OrderCreated, response.body.id)).toHaveLength(1);
  });

  it('when the new buyer is refused (own ticket), then the overdue order is left for the timer and nothing is published', async () => {
    const seller = aUser();
    const ticket = await bed.aTicket({ userId: seller.id });
    const order = await bed.anOrder(ticket, { expiresAt: new Date(Date.now() - 1000) });
    await request(bed.app()).post('/api/orders').set('Cookie', seller.cookie).send({ ticketId: ticket.id }).expect(400);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Created, version: 0 });
    expect(await bed.outboxFor(order.id)).toHaveLength(0);
  });

  it('when its buyer cancels it, then it is persisted cancelled and order.cancelled is published', async () => {
    const { buyer, order } = await anOverdueReservation();
    await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(204);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, order.id)).toHaveLength(1);
  });
});

describe('the overdue-orders sweep', () => {
  it('when orders are overdue, then it cancels each once and publishes one order.cancelled each, however often it runs', async () => {
    const overdue = [await anOverdueReservation(), await anOverdueReservation(), await anOverdueReservation()];
    const sweep = aSweep(0, 2); // a batch smaller than the backlog: the sweep pages through it

    expect(await sweep.runOnce()).toBe(3);
    expect(await sweep.runOnce()).toBe(0);

    for (const { order } of overdue) {
      expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
      expect(await bed.published(Subjects.OrderCancelled, order.id)).toHaveLength(1);
    }
  });

  it('when orders are still within their window, complete or cancelled, then it leaves them alone', async () => {
    const ticket = await bed.aTicket();
    const pending = await bed.anOrder(ticket);
    const complete = await bed.anOrder(await bed.aTicket(), {
      status: OrderStatus.Complete,
      expiresAt: new Date(Date.now() - 1000),
    });
    const cancelled = await bed.anOrder(ticket, { status: OrderStatus.Cancelled, expiresAt: new Date(0) });

    expect(await aSweep().runOnce()).toBe(0);

    expect(await bed.order(pending.id)).toMatchObject({ status: OrderStatus.Created, version: 0 });
    expect(await bed.order(complete.id)).toMatchObject({ status: OrderStatus.Complete, version: 0 });
    expect(await bed.order(cancelled.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 0 });
  });

  it('when the sweep and expiration.complete both handle an overdue order, then it is cancelled once', async () => {
    const { order } = await anOverdueReservation();

    await Promise.all([aSweep().runOnce(), bed.publish(Subjects.ExpirationComplete, { orderId: order.id })]);
    await bed.settled(Subjects.ExpirationComplete);
    await aSweep().runOnce();

    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, order.id)).toHaveLength(1);
  });

  it('when started, then it sweeps by itself on its interval', async () => {
    const sweep = aSweep(20);
    sweep.start();
    sweep.start(); // idempotent
    const { order } = await anOverdueReservation();

    await waitFor(async () => (await bed.order(order.id))?.status === OrderStatus.Cancelled);
    await sweep.stop();

    expect(await bed.published(Subjects.OrderCancelled, order.id)).toHaveLength(1);
  });

  it('when the interval is 0, then start does nothing', async () => {
    const { order } = await anOverdueReservation();
    const sweep = aSweep(0);
    sweep.start();
    await sweep.stop();
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Created });
  });
});
