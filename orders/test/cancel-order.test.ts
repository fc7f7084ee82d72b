import { OrderStatus, Subjects } from '@ticketing/common';
import request from 'supertest';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

describe('DELETE /api/orders/:id', () => {
  it('when the buyer cancels their reservation, then it answers 204, stores it cancelled and publishes order.cancelled version 1', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket();
    const created = await request(bed.app())
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
    const orderId = created.body.id as string;

    const response = await request(bed.app())
      .delete(`/api/orders/${orderId}`)
      .set('Cookie', buyer.cookie)
      .set('x-request-id', 'req-cancel-1')
      .expect(204);

    expect(response.text).toBe('');
    expect(await bed.order(orderId)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    const events = await bed.published(Subjects.OrderCancelled, orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      correlationId: 'req-cancel-1',
      data: { id: orderId, version: 1, ticket: { id: ticket.id } },
    });
    const shown = await request(bed.app()).get(`/api/orders/${orderId}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ status: 'cancelled', version: 1 });
  });

  it('when the order is already cancelled, then it answers 204 and publishes nothing new', async () => {
    const buyer = aUser();
    const order = await bed.anOrder(await bed.aTicket(), { userId: buyer.id });
    await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(204);
    await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(204);

    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, order.id)).toHaveLength(1);
    expect(await bed.outboxFor(order.id)).toHaveLength(1);
  });

  it('when the order is complete, then it answers 400 and the order stays complete', async () => {
    const buyer = aUser();
    const order = await bed.anOrder(await bed.aTicket(), {
      userId: buyer.id,
      status: OrderStatus.Complete,
      version: 1,
    });
    const response = await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'A completed order cannot be cancelled', code: 'ORDER_COMPLETED' }],
    });
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Complete, version: 1 });
    expect(await bed.outboxFor(order.id)).toHaveLength(0);
  });

  it('when the order belongs to someone else, then it answers 401 and leaves it alone', async () => {
    const order = await bed.anOrder(await bed.aTicket());
    await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', aUser().cookie).expect(401);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Created, version: 0 });
  });

  it('when nobody is signed in, then it answers 401', async () => {
    const order = await bed.anOrder(await bed.aTicket());
    await request(bed.app()).delete(`/api/orders/${order.id}`).expect(401);
    expect(await bed.order(order.id)).toMatchObject({ status: OrderStatus.Created });
  });

  it('when the order does not exist, then it answers 404', async () => {
    const response = await request(bed.app())
      .delete('/api/orders/0b9a3c55-31d2-4f6c-8d0e-6a1f1c2b3d4e')
      .set('Cookie', aUser().cookie)
      .expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Order not found', code: 'ORDER_NOT_FOUND' }] });
  });

  it('when the id is not a UUID, then it answers 400', async () => {
    const response = await request(bed.app()).delete('/api/orders/123').set('Cookie', aUser().cookie).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('when a reservation is cancelled, then another buyer can reserve the ticket', async () => {
    const buyer = aUser();
    const ticket = await bed.aTicket();
    const order = await bed.anOrder(ticket, { userId: buyer.id });
    await request(bed.app()).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(204);
    await request(bed.app())
      .post('/api/orders')
      .set('Cookie', aUser().cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
  });
});
