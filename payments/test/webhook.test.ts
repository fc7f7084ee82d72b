import type { AddressInfo } from 'node:net';
import { OrderStatus } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { stripeEvents } from '../src/db/schema';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { GatewayUnavailableError } from '../src/gateway/payment-gateway';
import { SandboxGateway } from '../src/gateway/sandbox.gateway';
import { SandboxWebhooks } from '../src/gateway/sandbox-webhooks';
import { FakeGateway } from './fake-gateway';
import {
  aPaymentIntent,
  aUser,
  createPaymentsTestBed,
  type PaymentsTestBed,
  signedStripeEvent,
  WEBHOOK_SECRET,
} from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

type Signed = ReturnType<typeof signedStripeEvent>;

const deliver = (event: Signed, app = bed.app()) =>
  request(app)
    .post('/api/payments/webhook')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', event.signature)
    .send(event.payload);

/** A gateway whose charges and refunds a test can script, behind the usual breaker. */
function fakeGateway() {
  const fake = new FakeGateway();
  return { fake, gateway: new CircuitBreakerGateway(fake) };
}

describe('POST /api/payments/webhook', () => {
  it('when STRIPE_WEBHOOK_SECRET is not set, then it answers 503 "Webhook is not configured"', async () => {
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent());
    const response = await deliver(event, bed.app({ STRIPE_WEBHOOK_SECRET: undefined })).expect(503);
    expect(response.body).toEqual({
      errors: [{ message: 'Webhook is not configured', code: 'WEBHOOK_NOT_CONFIGURED' }],
    });
  });

  it('when the Stripe-Signature header is missing, then it answers 400', async () => {
    const response = await request(bed.app())
      .post('/api/payments/webhook')
      .set('Content-Type', 'application/json')
      .send(signedStripeEvent('payment_intent.succeeded', aPaymentIntent()).payload)
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Missing Stripe-Signature header', code: 'WEBHOOK_SIGNATURE_MISSING' }],
    });
  });

  it('when the signature is made with another secret, then it answers 400 and changes nothing', async () => {
    const order = await bed.anOrder();
    const payment = await bed.aPayment(order);
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { orderId: order.id } }), {
      secret: 'whsec_someone_else',
    });

    const response = await deliver(event).expect(400);

    expect(response.body).toEqual({
      errors: [{ message: 'Invalid Stripe signature', code: 'WEBHOOK_SIGNATURE_INVALID' }],
    });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ id: payment.id, status: 'pending' });
    expect(await bed.stripeEventIds()).toEqual([]);
  });

  it('when the payload was altered after signing, then it answers 400', async () => {
    const order = await bed.anOrder();
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { orderId: order.id } }));
    await deliver({ ...event, payload: event.payload.replace('2050', '1') }).expect(400);
  });

  it('when payment_intent.succeeded arrives for a payment still waiting for its answer, then the payment succeeds and payment.created is published once', async () => {
    const order = await bed.anOrder();
    const payment = await bed.aPayment(order, { status: 'pending' });
    const intent = aPaymentIntent({ metadata: { orderId: order.id, userId: order.userId } });
    const event = signedStripeEvent('payment_intent.succeeded', intent);

    const response = await deliver(event).expect(200);

    expect(response.body).toEqual({ received: true });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      id: payment.id,
      status: 'succeeded',
      stripeId: intent.id,
    });
    expect((await bed.paymentsCreated(order.id)).map((e) => e.data)).toEqual([
      { id: payment.id, orderId: order.id, stripeId: intent.id },
    ]);
    expect(await bed.stripeEventIds()).toEqual([event.id]);
  });

  it('when Stripe delivers the same event again, then it answers 200 and has no second effect', async () => {
    const order = await bed.anOrder();
    await bed.aPayment(order, { status: 'pending' });
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { orderId: order.id } }));

    await deliver(event).expect(200);
    await deliver(event).expect(200);
    await deliver(event).expect(200);

    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
    expect(await bed.stripeEventIds()).toEqual([event.id]);
  });

  it('when the direct answer was lost to a time-out (errored), then the webhook completes the payment', async () => {
    const order = await bed.anOrder();
    const payment = await bed.aPayment(order, { status: 'errored', failureMessage: 'timeout' });
    await deliver(
      signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { orderId: order.id } })),
    ).expect(200);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      id: payment.id,
      status: 'succeeded',
      failureMessage: null,
    });
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when a processing PaymentIntent succeeds later, then the webhook finds the payment by its PaymentIntent id', async () => {
    const order = await bed.anOrder();
    const intent = aPaymentIntent();
    await bed.aPayment(order, { status: 'pending', stripeId: intent.id });
    await deliver(signedStripeEvent('payment_intent.succeeded', intent)).expect(200);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('when payment_intent.payment_failed arrives, then the payment is failed and the order can be paid with a new key', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const payment = await bed.aPayment(order, { status: 'pending' });
    const intent = aPaymentIntent({
      status: 'requires_payment_method',
      metadata: { orderId: order.id },
      last_payment_error: { message: 'Your card was declined.' },
    });
    const event = signedStripeEvent('payment_intent.payment_failed', intent);

    await deliver(event).expect(200);
    await deliver(event).expect(200);

    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      id: payment.id,
      status: 'failed',
      stripeId: intent.id,
      failureMessage: 'Your card was declined.',
    });
    await request(bed.app())
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' })
      .expect(201);
    expect((await bed.paymentsOf(order.id)).map((p) => [p.status, p.attempt])).toEqual([
      ['failed', 0],
      ['succeeded', 1],
    ]);
  });

  it('when payment_intent.payment_failed arrives for a payment that already succeeded, then it stays succeeded', async () => {
    const order = await bed.anOrder();
    const intent = aPaymentIntent();
    await bed.aPayment(order, { status: 'succeeded', stripeId: intent.id });
    await deliver(signedStripeEvent('payment_intent.payment_failed', intent)).expect(200);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'succeeded' });
  });

  it.each(['charge.refunded', 'customer.created', 'payment_intent.created'])(
    'when the event type is %s, then it answers 200 and ignores it',
    async (type) => {
      const order = await bed.anOrder();
      await bed.aPayment(order);
      await deliver(signedStripeEvent(type, aPaymentIntent({ metadata: { orderId: order.id } }))).expect(200);
      expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'pending' });
      expect(await bed.stripeEventIds()).toEqual([]);
    },
  );

  it('when the PaymentIntent is not one of ours, then it answers 200 and records the event only', async () => {
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { shop: 'another' } }));
    await deliver(event).expect(200);
    expect(await bed.stripeEventIds()).toEqual([event.id]);
    expect(await bed.paymentsCreated()).toEqual([]);
  });

  it('when the event carries no usable PaymentIntent, then it answers 200 and ignores it', async () => {
    await deliver(signedStripeEvent('payment_intent.succeeded', { object: 'payment_intent' })).expect(200);
  });

  it('when the webhook and the direct confirmation race, then the order is completed once (webhook first)', async () => {
    const { fake, gateway } = fakeGateway();
    const app = bed.app({}, { gateway });
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    fake.onCharge = async (charge, id) => {
      // Stripe's webhook overtakes the HTTP answer of the confirmation.
      const intent = aPaymentIntent({ id, metadata: charge.metadata });
      await deliver(signedStripeEvent('payment_intent.succeeded', intent), app).expect(200);
      return { id, status: 'succeeded' };
    };

    const response = await request(app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' })
      .expect(201);

    expect(await bed.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ id: response.body.id, status: 'succeeded' }),
    ]);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when the webhook and the direct confirmation arrive at the same moment, then exactly one payment.created is published', async () => {
    const { fake, gateway } = fakeGateway();
    const app = bed.app({}, { gateway });
    const buyer = aUser();
    const orders = await Promise.all(Array.from({ length: 5 }, () => bed.anOrder({ userId: buyer.id })));
    const webhooks: Promise<unknown>[] = [];
    fake.onCharge = async (charge, id) => {
      const intent = aPaymentIntent({ id, metadata: charge.metadata });
      webhooks.push(deliver(signedStripeEvent('payment_intent.succeeded', intent), app).expect(200));
      return { id, status: 'succeeded' };
    };

    await Promise.all(
      orders.map((order) =>
        request(app)
          .post('/api/payments')
          .set('Cookie', buyer.cookie)
          .send({ orderId: order.id, token: 'tok_visa' })
          .expect(201),
      ),
    );
    await Promise.all(webhooks);

    for (const order of orders) {
      expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
      expect((await bed.paymentsOf(order.id)).map((p) => p.status)).toEqual(['succeeded']);
    }
  });

  it('when a payment succeeds for an order cancelled meanwhile, then it is refunded and no payment.created is published', async () => {
    const { fake, gateway } = fakeGateway();
    const order = await bed.anOrder({ status: OrderStatus.Cancelled, version: 1 });
    const payment = await bed.aPayment(order, { status: 'pending' });
    const intent = aPaymentIntent({ metadata: { orderId: order.id } });

    await deliver(signedStripeEvent('payment_intent.succeeded', intent), bed.app({}, { gateway })).expect(200);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect(fake.refunds).toEqual([{ paymentIntentId: intent.id, idempotencyKey: `refund-${payment.id}` }]);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      status: 'refunded',
      refundId: 're_fake_1',
      stripeId: intent.id,
    });
    expect(await bed.paymentsCreated(order.id)).toEqual([]);
  });

  it('when a second charge of an already paid order succeeds, then that charge is refunded', async () => {
    const { fake, gateway } = fakeGateway();
    const order = await bed.anOrder();
    await bed.aPayment(order, { status: 'succeeded', stripeId: 'pi_first' });
    const second = await bed.aPayment(order, { status: 'failed', stripeId: 'pi_second', attempt: 0 });
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ id: 'pi_second' }));
    // The gateway did charge it: what the refund worker finds when it checks before refunding.
    fake.onRetrieve = async ({ paymentIntentId }) =>
      paymentIntentId === 'pi_second' ? { id: 'pi_second', status: 'succeeded', amount: 2050 } : undefined;

    await deliver(event, bed.app({}, { gateway })).expect(200);
    await deliver(event, bed.app({}, { gateway })).expect(200);

    await waitFor(async () => (await bed.paymentsOf(order.id))[1]?.status === 'refunded');
    expect(fake.refunds).toEqual([{ paymentIntentId: 'pi_second', idempotencyKey: `refund-${second.id}` }]);
    expect((await bed.paymentsOf(order.id)).map((p) => [p.stripeId, p.status])).toEqual([
      ['pi_first', 'succeeded'],
      ['pi_second', 'refunded'],
    ]);
    expect(await bed.stripeEventIds()).toEqual([event.id]);
  });

  it('when the refund fails because the gateway is down, then the event is acknowledged with its refund intent, and the money goes back once the gateway is', async () => {
    const { fake, gateway } = fakeGateway();
    const app = bed.app({}, { gateway });
    const order = await bed.anOrder({ status: OrderStatus.Cancelled, version: 1 });
    await bed.aPayment(order, { status: 'pending' });
    const event = signedStripeEvent('payment_intent.succeeded', aPaymentIntent({ metadata: { orderId: order.id } }));
    fake.onRefund = async () => {
      throw new GatewayUnavailableError('connection reset');
    };

    await deliver(event, app).expect(200);
    await waitFor(async () => ((await bed.refundsOf(order.id))[0]?.attempts ?? 0) >= 2);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'succeeded' });
    expect((await bed.refundsOf(order.id))[0]).toMatchObject({ status: 'pending', lastError: 'connection reset' });

    fake.onRefund = async () => ({ id: 're_later', status: 'succeeded' });
    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'refunded', refundId: 're_later' });
    expect((await bed.refundsOf(order.id))[0]).toMatchObject({ status: 'succeeded', refundId: 're_later' });
  });

  it('when charge.refunded arrives, then the payment is recorded refunded once and its open refund intent is settled', async () => {
    const order = await bed.anOrder({ status: OrderStatus.Complete, version: 1 });
    const payment = await bed.aPayment(order, { status: 'succeeded', stripeId: 'pi_refunded_elsewhere' });
    const event = signedStripeEvent('charge.refunded', {
      id: 'ch_1',
      object: 'charge',
      payment_intent: 'pi_refunded_elsewhere',
      refunded: true,
    });

    await deliver(event).expect(200);
    await deliver(event).expect(200);

    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ id: payment.id, status: 'refunded' });
    expect(await bed.stripeEventIds()).toEqual([event.id]);
  });

  it('when payments runs the sandbox, then the sandbox’s own signed events reach the webhook and each is applied once', async () => {
    const buyer = aUser();
    const paid = await bed.anOrder({ userId: buyer.id });
    const declined = await bed.anOrder({ userId: buyer.id });
    const server = bed.app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments/webhook`;
    const webhooks = new SandboxWebhooks({ url, secret: WEBHOOK_SECRET, logger: bed.logger, delayMs: 0 });
    const sandbox = new CircuitBreakerGateway(new SandboxGateway({ db: bed.db, webhooks }));
    const app = bed.app({}, { gateway: sandbox });

    await request(app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: paid.id, token: 'tok_visa' })
      .expect(201);
    await request(app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: declined.id, token: 'tok_chargeDeclined' })
      .expect(402);

    await waitFor(async () => (await bed.stripeEventIds()).length === 2);
    const types = await bed.db.select({ type: stripeEvents.type }).from(stripeEvents);
    expect(types.map((row) => row.type).sort()).toEqual(['payment_intent.payment_failed', 'payment_intent.succeeded']);
    expect((await bed.paymentsOf(paid.id))[0]?.status).toBe('succeeded');
    expect((await bed.paymentsOf(declined.id))[0]?.status).toBe('failed');
    expect(await bed.paymentsCreated(paid.id)).toHaveLength(1);
    await sandbox.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
