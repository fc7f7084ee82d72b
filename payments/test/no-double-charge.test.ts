import { randomUUID } from 'node:crypto';
import { type StripeStandIn, startStripeStandIn } from '@ticketing/common/testing';
import request from 'supertest';
import { insertPendingPayment } from '../src/db/payments.repository';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { FakeGateway } from './fake-gateway';
import {
  aPaymentIntent,
  aUser,
  createPaymentsTestBed,
  type PaymentsTestBed,
  signedStripeEvent,
  standInGateway,
} from './harness';

const BUYERS = 50;

// Every request's transaction runs on a connection of its own, so the payments truly race.
describe('no double charge', () => {
  let standIn: StripeStandIn;
  let bed: PaymentsTestBed;

  beforeAll(async () => {
    standIn = await startStripeStandIn();
    bed = await createPaymentsTestBed({ gateway: standInGateway(standIn.url) });
  }, 60_000);
  beforeEach(async () => {
    standIn.reset({ clearRequests: true });
    await bed.reset();
  });
  afterAll(async () => {
    await bed?.close();
    await standIn?.close();
  });

  it(`when ${BUYERS} payments of one order arrive at once, then Stripe is charged once, one payment succeeds and one payment.created is published`, async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const app = bed.app();
    // A slow gateway keeps the first charge in flight while the others arrive.
    standIn.delay(100);

    const responses = await Promise.all(
      Array.from({ length: BUYERS }, () =>
        request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' }),
      ),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(BUYERS - 1);
    const refusals = new Set(responses.filter((r) => r.status === 400).map((r) => r.body.errors[0].message));
    expect(
      [...refusals].every(
        (m) => m === 'Order is already paid' || m === 'A payment for this order is already in progress',
      ),
    ).toBe(true);
    expect(standIn.chargeRequests()).toHaveLength(1);
    expect((await bed.paymentsOf(order.id)).map((p) => p.status)).toEqual(['succeeded']);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when the same buyer retries after being told it is in progress, then the paid order answers "already paid" and is not charged again', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const app = bed.app();
    await Promise.all([
      request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' }),
      request(app)
        .post('/api/payments')
        .set('Cookie', buyer.cookie)
        .send({ orderId: order.id, token: 'tok_mastercard' }),
    ]);
    const retry = await request(app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' });
    expect(retry.status).toBe(400);
    expect(retry.body.errors[0]).toEqual({ message: 'Order is already paid', code: 'ORDER_PAID' });
    expect(standIn.chargeRequests()).toHaveLength(1);
  });

  it('when two claims of one order skip the application checks, then the database index still refuses the second', async () => {
    const order = await bed.anOrder();
    const claim = (id: string) =>
      insertPendingPayment(bed.db, { id, orderId: order.id, amount: 100, currency: 'usd', attempt: 0 });
    const results = await Promise.all([claim(randomUUID()), claim(randomUUID())]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when webhooks and direct confirmations of many orders race, then each order gets exactly one payment.created', async () => {
    const fake = new FakeGateway();
    const gateway = new CircuitBreakerGateway(fake);
    const app = bed.app({}, { gateway });
    const buyer = aUser();
    const orders = await Promise.all(Array.from({ length: 10 }, () => bed.anOrder({ userId: buyer.id })));
    const webhooks: Promise<unknown>[] = [];
    fake.onCharge = async (charge, id) => {
      const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ id, metadata: charge.metadata }));
      webhooks.push(
        request(app)
          .post('/api/payments/webhook')
          .set('Content-Type', 'application/json')
          .set('Stripe-Signature', event.signature)
          .send(event.payload)
          .expect(200),
      );
      return { id, status: 'succeeded' };
    };

    const responses = await Promise.all(
      orders.map((order) =>
        request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' }),
      ),
    );
    await Promise.all(webhooks);

    expect(responses.map((r) => r.status)).toEqual(orders.map(() => 201));
    for (const order of orders) expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
    await gateway.close();
  });
});
