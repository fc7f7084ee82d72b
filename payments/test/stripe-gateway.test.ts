import { randomUUID } from 'node:crypto';
import { PROCESSING_TOKEN, type StripeStandIn, startStripeStandIn } from '@ticketing/common/testing';
import Stripe from 'stripe';
import request from 'supertest';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import {
  GatewayDeclinedError,
  GatewayFailedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '../src/gateway/payment-gateway';
import { StripeGateway, stripeHostOptions, translateStripeError } from '../src/gateway/stripe.gateway';
import { createPaymentMetrics } from '../src/metrics';
import { aUser, createPaymentsTestBed, type PaymentsTestBed, standInGateway } from './harness';

let standIn: StripeStandIn;
let bed: PaymentsTestBed;
beforeAll(async () => {
  standIn = await startStripeStandIn();
  bed = await createPaymentsTestBed({ gateway: standInGateway(standIn.url, { maxNetworkRetries: 1 }) });
});
beforeEach(async () => {
  standIn.reset({ clearRequests: true });
  await bed.reset();
});
afterAll(async () => {
  await bed?.close();
  await standIn?.close();
});

const pay = (cookie: string[], body: object, app = bed.app()) =>
  request(app).post('/api/payments').set('Cookie', cookie).send(body);

describe('StripeGateway against the Stripe stand-in', () => {
  it('when a buyer pays with a card token, then one confirmed PaymentIntent is created with the amount, currency, metadata, idempotency key and the order’s transfer group, and 201 is answered', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, priceCents: 1234 });

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    expect(standIn.chargeRequests()).toEqual([
      {
        method: 'POST',
        path: '/v1/payment_intents',
        idempotencyKey: `order-${order.id}-attempt-0`,
        authorization: 'Bearer sk_test_standin_0123456789',
        body: {
          amount: '1234',
          currency: 'usd',
          confirm: 'true',
          allowed_payment_method_types: ['card'],
          metadata: { orderId: order.id, userId: buyer.id, paymentId: response.body.id },
          payment_method_data: { type: 'card', card: { token: 'tok_visa' } },
          transfer_group: `order-${order.id}`,
        },
      },
    ]);
    const [payment] = await bed.paymentsOf(order.id);
    expect(payment).toMatchObject({
      id: response.body.id,
      status: 'succeeded',
      stripeId: expect.stringMatching(/^pi_/),
    });
    expect((await bed.paymentsCreated(order.id)).map((e) => e.data.stripeId)).toEqual([payment!.stripeId]);
  });

  it('when the order carries a buyer fee, then the PaymentIntent is for the total (price + fee)', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, priceCents: 4500, buyerFeeCents: 450 });

    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    expect(standIn.chargeRequests().map((charge) => charge.body.amount)).toEqual(['4950']);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'succeeded', amount: 4950 });
  });

  it('when the token is a PaymentMethod id, then it is sent as payment_method', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: order.id, token: 'pm_card_visa' }).expect(201);
    const [charge] = standIn.chargeRequests();
    expect(charge?.body).toMatchObject({ payment_method: 'pm_card_visa' });
    expect(charge?.body).not.toHaveProperty('payment_method_data');
  });

  it('when Stripe declines the card, then it answers 402 with Stripe’s message, records the PaymentIntent, and the next card gets attempt-1', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });

    const declined = await pay(buyer.cookie, {
      orderId: order.id,
      token: 'tok_chargeDeclinedInsufficientFunds',
    }).expect(402);
    expect(declined.body).toEqual({
      errors: [{ message: 'Your card has insufficient funds.', code: 'CARD_DECLINED' }],
    });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      status: 'failed',
      stripeId: expect.stringMatching(/^pi_/),
    });

    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);
    expect(standIn.chargeRequests().map((r) => r.idempotencyKey)).toEqual([
      `order-${order.id}-attempt-0`,
      `order-${order.id}-attempt-1`,
    ]);
  });

  it('when Stripe answers 500 once, then the SDK retries with the same Idempotency-Key and the payment succeeds once', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    standIn.failNext(1, 500);

    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    const keys = standIn.chargeRequests().map((r) => r.idempotencyKey);
    expect(keys).toEqual([`order-${order.id}-attempt-0`, `order-${order.id}-attempt-0`]);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when Stripe keeps answering 500, then it answers 502 with a clear message and the order stays payable with the same key', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    standIn.failNext(2, 500);

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(502);

    expect(response.body).toEqual({
      errors: [
        { message: 'The payment gateway failed to charge the payment; please try again', code: 'GATEWAY_ERROR' },
      ],
    });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'errored', stripeId: null });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);
    expect(new Set(standIn.chargeRequests().map((r) => r.idempotencyKey))).toEqual(
      new Set([`order-${order.id}-attempt-0`]),
    );
  });

  it('when Stripe does not answer in time, then it answers 503, and the retried request reuses the key so only one charge exists', async () => {
    const slow = new CircuitBreakerGateway(standInGateway(standIn.url, { timeoutMs: 300, maxNetworkRetries: 0 }));
    const app = bed.app({}, { gateway: slow });
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    standIn.hang();

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }, app).expect(503);

    expect(response.body).toEqual({
      errors: [{ message: 'The payment gateway did not answer in time; please try again', code: 'GATEWAY_TIMEOUT' }],
    });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'errored' });
    standIn.reset();
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }, app).expect(201);
    expect(standIn.chargeRequests().map((r) => r.idempotencyKey)).toEqual([
      `order-${order.id}-attempt-0`,
      `order-${order.id}-attempt-0`,
    ]);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
    await slow.close();
  });

  it('when the gateway fails repeatedly, then the breaker opens and answers 503 at once without calling Stripe, and /metrics shows it open', async () => {
    const fragile = new CircuitBreakerGateway(standInGateway(standIn.url, { maxNetworkRetries: 0 }), {
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      resetTimeoutMs: 60_000,
    });
    const app = bed.app({}, { gateway: fragile, metrics: createPaymentMetrics(fragile, bed.db) });
    const buyer = aUser();
    standIn.failNext(1_000, 500);

    for (let i = 0; i < 3; i++) {
      const order = await bed.anOrder({ userId: buyer.id });
      await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }, app).expect(502);
    }
    expect(fragile.state).toBe('open');
    const calls = standIn.requests.length;

    const order = await bed.anOrder({ userId: buyer.id });
    const started = Date.now();
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }, app).expect(503);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.body).toEqual({
      errors: [
        {
          message: 'The payment gateway is temporarily unavailable; please try again in a few seconds',
          code: 'GATEWAY_CIRCUIT_OPEN',
        },
      ],
    });
    expect(standIn.requests).toHaveLength(calls);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'errored' });
    const metrics = (await request(app).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^payments_gateway_breaker_state\{service="payments"\} 2$/m);
    await fragile.close();
  });

  it('when cards are declined many times, then the breaker stays closed (declines are answers, not failures)', async () => {
    const strict = new CircuitBreakerGateway(standInGateway(standIn.url, { maxNetworkRetries: 0 }), {
      volumeThreshold: 2,
      errorThresholdPercentage: 10,
    });
    const app = bed.app({}, { gateway: strict });
    const buyer = aUser();
    for (let i = 0; i < 4; i++) {
      const order = await bed.anOrder({ userId: buyer.id });
      await pay(buyer.cookie, { orderId: order.id, token: 'tok_chargeDeclined' }, app).expect(402);
    }
    expect(strict.state).toBe('closed');
    await strict.close();
  });

  it('when the token is unknown to Stripe, then it answers 400 "No such token"', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_unknown' }).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: "No such token: 'tok_unknown'", code: 'PAYMENT_REJECTED', field: 'token' }],
    });
  });

  it('when the PaymentIntent is still processing, then it answers 202 and the payment stays pending with its PaymentIntent id', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await pay(buyer.cookie, { orderId: order.id, token: PROCESSING_TOKEN }).expect(202);
    expect(response.body).toEqual({ id: expect.any(String), status: 'pending' });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({
      status: 'pending',
      stripeId: expect.stringMatching(/^pi_/),
    });
    expect(await bed.paymentsCreated(order.id)).toEqual([]);
  });

  it('when the API key is refused, then it answers 502 and does not leak Stripe’s message', async () => {
    const wrongKey = new CircuitBreakerGateway(
      new StripeGateway({ apiKey: 'sk_test_wrong', apiUrl: standIn.url, timeoutMs: 2_000, maxNetworkRetries: 0 }),
    );
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await pay(
      buyer.cookie,
      { orderId: order.id, token: 'tok_visa' },
      bed.app({}, { gateway: wrongKey }),
    ).expect(502);
    expect(JSON.stringify(response.body)).not.toContain('API Key');
    await wrongKey.close();
  });

  it('when a charge is refunded, then POST /v1/refunds names the PaymentIntent with a per-payment idempotency key', async () => {
    const gateway = standInGateway(standIn.url);
    const charge = await gateway.charge({
      amount: 500,
      currency: 'usd',
      token: 'tok_visa',
      idempotencyKey: `order-${randomUUID()}-attempt-0`,
      metadata: { orderId: randomUUID(), userId: randomUUID(), paymentId: randomUUID() },
    });

    const refund = await gateway.refund({ paymentIntentId: charge.id, idempotencyKey: 'refund-p1' });
    const again = await gateway.refund({ paymentIntentId: charge.id, idempotencyKey: 'refund-p1' });

    expect(refund).toEqual({ id: expect.stringMatching(/^re_/), status: 'succeeded' });
    expect(again).toEqual(refund);
    const refunds = standIn.requests.filter((r) => r.path === '/v1/refunds');
    expect(refunds.map((r) => [r.body, r.idempotencyKey])).toEqual([
      [{ payment_intent: charge.id }, 'refund-p1'],
      [{ payment_intent: charge.id }, 'refund-p1'],
    ]);
    await expect(gateway.refund({ paymentIntentId: charge.id, idempotencyKey: 'refund-p2' })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
  });

  it('when a key is reused with other parameters, then it is an idempotency error', async () => {
    const gateway = standInGateway(standIn.url);
    const base = {
      amount: 500,
      currency: 'usd',
      idempotencyKey: 'order-x-attempt-0',
      metadata: { orderId: 'o', userId: 'u', paymentId: 'p' },
    };
    await gateway.charge({ ...base, token: 'tok_visa' });
    await expect(gateway.charge({ ...base, token: 'tok_mastercard' })).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });

  it('when Stripe cannot be reached at all, then the error is "unreachable"', async () => {
    const closed = await startStripeStandIn();
    const url = closed.url;
    await closed.close();
    const gateway = new StripeGateway({ apiKey: 'sk_test_x', apiUrl: url, timeoutMs: 1_000, maxNetworkRetries: 0 });
    await expect(gateway.refund({ paymentIntentId: 'pi_1', idempotencyKey: 'refund-1' })).rejects.toMatchObject({
      reason: 'unreachable',
    });
  });
});

describe('Stripe error translation and host options', () => {
  it('when the error is not Stripe’s, then it becomes a gateway failure', () => {
    expect(translateStripeError(new Error('boom'))).toBeInstanceOf(GatewayFailedError);
    expect(translateStripeError('boom').message).toContain('boom');
  });

  it('maps each Stripe error type to the gateway error a use case understands', () => {
    const { errors } = Stripe;
    expect(translateStripeError(new errors.StripeCardError({ message: 'no', code: 'card_declined' }))).toBeInstanceOf(
      GatewayDeclinedError,
    );
    expect(translateStripeError(new errors.StripeInvalidRequestError({ message: 'bad' }))).toBeInstanceOf(
      GatewayRejectedError,
    );
    expect(translateStripeError(new errors.StripeRateLimitError({ message: 'slow down' }))).toMatchObject({
      reason: 'rate-limited',
    });
    expect(
      translateStripeError(
        new errors.StripeConnectionError({ message: 'Request aborted due to timeout being reached (10ms)' }),
      ),
    ).toMatchObject({
      reason: 'timeout',
    });
    expect(translateStripeError(new errors.StripeAPIError({ message: 'oops' }))).toBeInstanceOf(GatewayFailedError);
    expect(translateStripeError(new errors.StripeConnectionError({ message: 'ECONNRESET' }))).toBeInstanceOf(
      GatewayUnavailableError,
    );
  });

  it('reads host, port and protocol from STRIPE_API_URL', () => {
    expect(stripeHostOptions(undefined)).toEqual({});
    expect(stripeHostOptions('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(stripeHostOptions('https://stripe-proxy.internal')).toEqual({
      host: 'stripe-proxy.internal',
      port: 443,
      protocol: 'https',
    });
    expect(stripeHostOptions('http://stand-in')).toMatchObject({ port: 80 });
  });
});
