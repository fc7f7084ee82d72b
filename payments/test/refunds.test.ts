import { randomUUID } from 'node:crypto';
import { OrderStatus, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { aUser, createPaymentsTestBed, type PaymentsTestBed, standInGateway } from './harness';
import { type StripeStandIn, startStripeStandIn } from './stripe-stand-in';

let standIn: StripeStandIn;
let bed: PaymentsTestBed;
beforeAll(async () => {
  standIn = await startStripeStandIn();
  bed = await createPaymentsTestBed({ gateway: standInGateway(standIn.url) });
});
beforeEach(async () => {
  standIn.reset({ clearRequests: true });
  await bed.reset();
});
afterAll(async () => {
  await bed?.close();
  await standIn?.close();
});

const cancel = (orderId: string, version = 1) =>
  bed.publish(Subjects.OrderCancelled, { id: orderId, version, ticket: { id: randomUUID() } });

async function aPaidOrder() {
  const buyer = aUser();
  const order = await bed.anOrder({ userId: buyer.id });
  await request(bed.app())
    .post('/api/payments')
    .set('Cookie', buyer.cookie)
    .send({ orderId: order.id, token: 'tok_visa' })
    .expect(201);
  const [payment] = await bed.paymentsOf(order.id);
  return { buyer, order, payment: payment! };
}

const refundRequests = () => standIn.requests.filter((r) => r.path === '/v1/refunds');

describe('refunds of payments whose order was cancelled', () => {
  it('when order.cancelled arrives for a paid order, then the charge is refunded through the gateway and recorded', async () => {
    const { order, payment } = await aPaidOrder();

    await cancel(order.id);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ refundId: expect.stringMatching(/^re_/) });
    expect(refundRequests().map((r) => [r.body, r.idempotencyKey])).toEqual([
      [{ payment_intent: payment.stripeId }, `refund-${payment.id}`],
    ]);
  });

  it('when order.cancelled is delivered again, then nothing is refunded twice', async () => {
    const { order } = await aPaidOrder();
    const event = await cancel(order.id);
    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');

    await bed.publishAgain(event);
    await bed.settled(Subjects.OrderCancelled);

    expect(refundRequests()).toHaveLength(1);
  });

  it('when the gateway is down during the refund, then the event is retried until the refund goes through', async () => {
    const { order } = await aPaidOrder();
    standIn.failNext(4, 503);

    await cancel(order.id);
    await waitFor(async () => (await bed.consumer(Subjects.OrderCancelled)).num_redelivered > 0);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded', { timeoutMs: 20_000 });
  });

  it('when the order is cancelled while its charge is in flight, then the buyer gets 400, the charge is refunded and no payment.created is published', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const slow = new CircuitBreakerGateway(standInGateway(standIn.url));
    standIn.delay(300);
    const paying = request(bed.app({}, { gateway: slow }))
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' });
    const response = paying.then((r) => r);
    await waitFor(() => standIn.chargeRequests().length === 1);

    await cancel(order.id);
    await waitFor(async () => (await bed.order(order.id))?.status === OrderStatus.Cancelled);

    const answer = await response;
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [{ message: 'Order was cancelled while it was being paid; the payment is refunded' }],
    });
    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect(refundRequests()).toHaveLength(1);
    expect(await bed.paymentsCreated(order.id)).toEqual([]);
    slow.close();
  });

  it('when an order without payments is cancelled, then nothing is refunded', async () => {
    const order = await bed.anOrder();
    await cancel(order.id);
    await waitFor(async () => (await bed.order(order.id))?.status === 'cancelled');
    await bed.settled(Subjects.OrderCancelled);
    expect(refundRequests()).toEqual([]);
  });
});
