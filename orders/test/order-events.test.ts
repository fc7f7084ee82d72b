import { randomUUID } from 'node:crypto';
import { OrderStatus, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { orders } from '../src/db/schema';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

async function aReservation() {
  const ticket = await bed.aTicket();
  const buyer = aUser();
  const response = await request(bed.app())
    .post('/api/orders')
    .set('Cookie', buyer.cookie)
    .send({ ticketId: ticket.id })
    .expect(201);
  return { ticket, buyer, orderId: response.body.id as string };
}

/** Moves the order's expiry into the past, as if its window had run out. */
async function runOut(orderId: string) {
  await bed.db
    .update(orders)
    .set({ expiresAt: new Date(Date.now() - 1_000) })
    .where(eq(orders.id, orderId));
}

describe('expiration.complete', () => {
  it('when the reservation expires, then the order is cancelled (version 1) and order.cancelled is published once, even when the event is delivered twice', async () => {
    const { ticket, orderId } = await aReservation();
    await runOut(orderId);

    const event = await bed.publish(Subjects.ExpirationComplete, { orderId });
    await waitFor(async () => (await bed.order(orderId))?.status === OrderStatus.Cancelled);
    await bed.publishAgain(event);
    await bed.publish(Subjects.ExpirationComplete, { orderId }); // a second timer for the same order
    await bed.settled(Subjects.ExpirationComplete);

    expect(await bed.order(orderId)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    const cancelled = await bed.published(Subjects.OrderCancelled, orderId);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      correlationId: event.correlationId,
      data: { id: orderId, version: 1, ticket: { id: ticket.id } },
    });
  });

  it('when the order is complete, then expiration changes nothing and publishes nothing', async () => {
    const order = await bed.anOrder(await bed.aTicket(), { status: OrderStatus.Complete, version: 1 });

    await bed.publish(Subjects.ExpirationComplete, { orderId: order.id });
    await bed.settled(Subjects.ExpirationComplete);

    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Complete, version: 1 });
    expect(await bed.outboxFor(order.id)).toHaveLength(0);
  });

  it('when the expiration arrives before the order is due (the timer’s clock runs ahead), then the reservation stays until it is due', async () => {
    const { orderId } = await aReservation();
    await bed.db
      .update(orders)
      .set({ expiresAt: new Date(Date.now() + 1_500) })
      .where(eq(orders.id, orderId));

    await bed.publish(Subjects.ExpirationComplete, { orderId });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await bed.order(orderId))?.status).toBe(OrderStatus.Created);

    await waitFor(async () => (await bed.order(orderId))?.status === OrderStatus.Cancelled, { timeoutMs: 5_000 });
    expect(await bed.published(Subjects.OrderCancelled, orderId)).toHaveLength(1);
  });

  it('when the order is unknown, then the event is acked and nothing happens', async () => {
    const orderId = randomUUID();
    await bed.publish(Subjects.ExpirationComplete, { orderId });
    await bed.settled(Subjects.ExpirationComplete);
    expect(bed.logs('warn')).toContainEqual(
      expect.objectContaining({ orderId, msg: expect.stringMatching(/unknown/) }),
    );
  });
});

describe('payment.created', () => {
  it('when the order is paid, then it is complete (version 1) with its payment and the time it arrived, and order.completed is published once, even when the payment is delivered twice', async () => {
    const { ticket, buyer, orderId } = await aReservation();
    const paymentId = randomUUID();
    const before = Date.now();

    const payment = await bed.publish(Subjects.PaymentCreated, { id: paymentId, orderId, stripeId: 'pi_123' });
    await waitFor(async () => (await bed.order(orderId))?.status === OrderStatus.Complete);
    await bed.publishAgain(payment);
    await bed.settled(Subjects.PaymentCreated);

    expect(await bed.order(orderId)).toMatchObject({ status: OrderStatus.Complete, version: 1 });
    const completed = await bed.published(Subjects.OrderCompleted, orderId);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      correlationId: payment.correlationId,
      data: { id: orderId, version: 1, ticket: { id: ticket.id } },
    });
    const shown = await request(bed.app()).get(`/api/orders/${orderId}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ status: 'complete', paymentId });
    const paidAt = Date.parse(shown.body.paidAt);
    expect(paidAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(paidAt).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(paidAt).toBeGreaterThanOrEqual(Date.parse(shown.body.createdAt));
  });

  it('when a second payment arrives for a complete order, then nothing changes', async () => {
    const order = await bed.anOrder(await bed.aTicket(), { status: OrderStatus.Complete, version: 1 });
    await bed.publish(Subjects.PaymentCreated, { id: randomUUID(), orderId: order.id, stripeId: 'pi_again' });
    await bed.settled(Subjects.PaymentCreated);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Complete, version: 1, paymentId: null });
    expect(await bed.outboxFor(order.id)).toHaveLength(0);
  });

  it('when the order was cancelled, then it stays cancelled, the event is acked and nothing is published', async () => {
    const order = await bed.anOrder(await bed.aTicket(), { status: OrderStatus.Cancelled, version: 1 });
    const paymentId = randomUUID();
    await bed.publish(Subjects.PaymentCreated, { id: paymentId, orderId: order.id, stripeId: 'pi_late' });
    await bed.settled(Subjects.PaymentCreated);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.outboxFor(order.id)).toHaveLength(0);
    expect(bed.logs('warn')).toContainEqual(
      expect.objectContaining({ orderId: order.id, paymentId, msg: expect.stringMatching(/cancelled order/) }),
    );
  });

  it('when the expiration arrives before the order is due (the timer’s clock runs ahead), then the reservation stays until it is due', async () => {
    const { orderId } = await aReservation();
    await bed.db
      .update(orders)
      .set({ expiresAt: new Date(Date.now() + 1_500) })
      .where(eq(orders.id, orderId));

    await bed.publish(Subjects.ExpirationComplete, { orderId });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await bed.order(orderId))?.status).toBe(OrderStatus.Created);

    await waitFor(async () => (await bed.order(orderId))?.status === OrderStatus.Cancelled, { timeoutMs: 5_000 });
    expect(await bed.published(Subjects.OrderCancelled, orderId)).toHaveLength(1);
  });

  it('when the order is unknown, then the event is acked and nothing happens', async () => {
    const orderId = randomUUID();
    await bed.publish(Subjects.PaymentCreated, { id: randomUUID(), orderId, stripeId: 'pi_x' });
    await bed.settled(Subjects.PaymentCreated);
    expect(bed.logs('warn')).toContainEqual(
      expect.objectContaining({ orderId, msg: expect.stringMatching(/unknown/) }),
    );
  });

  it('when an order was completed, then expiration arriving afterwards leaves it complete', async () => {
    const { orderId } = await aReservation();
    await bed.publish(Subjects.PaymentCreated, { id: randomUUID(), orderId, stripeId: 'pi_1' });
    await waitFor(async () => (await bed.order(orderId))?.status === OrderStatus.Complete);
    await bed.publish(Subjects.ExpirationComplete, { orderId });
    await bed.settled(Subjects.ExpirationComplete);
    expect(await bed.order(orderId)).toMatchObject({ status: OrderStatus.Complete, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, orderId)).toHaveLength(0);
  });
});
