import { randomUUID } from 'node:crypto';
import { OrderStatus, Subjects } from '@ticketing/common';
import request from 'supertest';
import { chargeIdempotencyKey, STALE_PENDING_MS } from '../src/domain/pay-order';
import { aUser, createPaymentsTestBed, type PaymentsTestBed } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const pay = (cookie: string[] | undefined, body: object, app = bed.app()) => {
  const req = request(app).post('/api/payments');
  if (cookie) req.set('Cookie', cookie);
  return req.send(body);
};

describe('POST /api/payments (sandbox gateway)', () => {
  it('when the owner pays a payable order with tok_visa, then it answers 201 { id }, stores the succeeded payment and publishes payment.created', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, priceCents: 4999 });

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [payment] = await bed.paymentsOf(order.id);
    expect(payment).toMatchObject({
      id: response.body.id,
      orderId: order.id,
      stripeId: expect.stringMatching(/^pi_sandbox_/),
      amount: 4999,
      currency: 'usd',
      status: 'succeeded',
      attempt: 0,
    });
    const events = await bed.paymentsCreated(order.id);
    expect(events.map((event) => event.data)).toEqual([
      { id: payment!.id, orderId: order.id, stripeId: payment!.stripeId },
    ]);
  });

  it.each(['pm_card_visa', 'tok_mastercard', 'pm_card_amex', 'tok_unionpay'])(
    'when the token is the succeeding test card %s, then the payment succeeds',
    async (token) => {
      const buyer = aUser();
      const order = await bed.anOrder({ userId: buyer.id });
      await pay(buyer.cookie, { orderId: order.id, token }).expect(201);
      expect((await bed.paymentsOf(order.id)).map((p) => p.status)).toEqual(['succeeded']);
    },
  );

  it('when PAYMENT_CURRENCY is eur, then the charge is in eur', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }, bed.app({ PAYMENT_CURRENCY: 'eur' })).expect(201);
    expect((await bed.paymentsOf(order.id))[0]?.currency).toBe('eur');
  });

  it('when the request is signed out, then it answers 401 and charges nothing', async () => {
    const order = await bed.anOrder();
    await pay(undefined, { orderId: order.id, token: 'tok_visa' }).expect(401);
    expect(await bed.paymentsOf(order.id)).toEqual([]);
  });

  it('when the buyer is not the owner of the order, then it answers 401 and charges nothing', async () => {
    const order = await bed.anOrder();
    const response = await pay(aUser().cookie, { orderId: order.id, token: 'tok_visa' }).expect(401);
    expect(response.body).toEqual({
      errors: [{ message: 'You may only pay your own orders', code: 'ORDER_NOT_OWNED' }],
    });
    expect(await bed.paymentsOf(order.id)).toEqual([]);
  });

  it('when the order is unknown, then it answers 404', async () => {
    const response = await pay(aUser().cookie, { orderId: randomUUID(), token: 'tok_visa' }).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Order not found', code: 'ORDER_NOT_FOUND' }] });
  });

  it('when the buyer pays right after reserving and order.created is still on its way, then the payment waits for it and answers 201', async () => {
    const buyer = aUser();
    const orderId = randomUUID();
    const paying = pay(buyer.cookie, { orderId, token: 'tok_visa' }, bed.app({ ORDER_WAIT_MS: 5_000 })).then((r) => r);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await bed.publish(Subjects.OrderCreated, {
      id: orderId,
      version: 0,
      status: OrderStatus.Created,
      userId: buyer.id,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      ticket: { id: randomUUID(), price: 2050 },
    });

    const response = await paying;
    expect(response.status).toBe(201);
    expect((await bed.paymentsOf(orderId))[0]).toMatchObject({ status: 'succeeded', amount: 2050 });
  });

  it('when an order never arrives, then it answers 404 once the wait is over', async () => {
    const started = Date.now();
    await pay(aUser().cookie, { orderId: randomUUID(), token: 'tok_visa' }, bed.app({ ORDER_WAIT_MS: 300 })).expect(
      404,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('when the web app asks how payments run, then it learns the sandbox and the currency', async () => {
    const response = await request(bed.app()).get('/api/payments/mode').expect(200);
    expect(response.body).toEqual({ gateway: 'sandbox', currency: 'usd' });
  });

  it.each([
    ['no orderId', { token: 'tok_visa' }, 'orderId'],
    ['an orderId that is not an id', { orderId: 'order-1', token: 'tok_visa' }, 'orderId'],
    ['a numeric orderId', { orderId: 42, token: 'tok_visa' }, 'orderId'],
    ['no token', { orderId: randomUUID() }, 'token'],
    ['an empty token', { orderId: randomUUID(), token: '' }, 'token'],
    ['a card number as token', { orderId: randomUUID(), token: '4242424242424242' }, 'token'],
    ['a token with spaces', { orderId: randomUUID(), token: 'tok_visa; drop table' }, 'token'],
    ['a source id as token', { orderId: randomUUID(), token: 'src_123' }, 'token'],
    ['an object as token', { orderId: randomUUID(), token: { $ne: '' } }, 'token'],
    ['a token of 256 characters', { orderId: randomUUID(), token: `tok_${'a'.repeat(252)}` }, 'token'],
  ])('when the body has %s, then it answers 400 naming the field', async (_case, body, field) => {
    const response = await pay(aUser().cookie, body).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field, message: expect.any(String) })]);
  });

  it('when the token has exactly 255 characters, then its shape is accepted (and the sandbox does not know it)', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const token = `tok_${'a'.repeat(251)}`;
    const response = await pay(buyer.cookie, { orderId: order.id, token }).expect(400);
    expect(response.body.errors).toEqual([
      { message: `No such token: '${token}'`, code: 'PAYMENT_REJECTED', field: 'token' },
    ]);
  });

  it('when the order is cancelled, then it answers 400 and charges nothing', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, status: OrderStatus.Cancelled, version: 1 });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Order is cancelled', code: 'ORDER_CANCELLED' }] });
    expect(await bed.paymentsOf(order.id)).toEqual([]);
  });

  it('when the order has expired but no cancellation has arrived yet, then it answers 400 and charges nothing', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, expiresAt: new Date(Date.now() - 1000) });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Order has expired', code: 'ORDER_EXPIRED' }] });
    expect(await bed.paymentsOf(order.id)).toEqual([]);
  });

  it('when the order is complete, then it answers 400 "Order is already paid"', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, status: OrderStatus.Complete, version: 1 });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Order is already paid', code: 'ORDER_PAID' }] });
  });

  it('when the order was paid but order.completed has not arrived yet, then a second payment answers 400 "Order is already paid" and charges nothing', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_mastercard' }).expect(400);

    expect(response.body).toEqual({ errors: [{ message: 'Order is already paid', code: 'ORDER_PAID' }] });
    expect(await bed.paymentsOf(order.id)).toHaveLength(1);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when a payment of the order is in flight, then another answers 400 "a payment is already in progress"', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await bed.aPayment(order, { status: 'pending' });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'A payment for this order is already in progress', code: 'PAYMENT_IN_PROGRESS' }],
    });
  });

  it('when a payment has been pending for longer than any charge can take (a crash mid-charge), then the next attempt takes over with the same key', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const abandoned = await bed.aPayment(order, {
      status: 'pending',
      updatedAt: new Date(Date.now() - STALE_PENDING_MS - 1000),
    });

    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    expect((await bed.paymentsOf(order.id)).map((p) => [p.id === abandoned.id, p.status, p.attempt])).toEqual([
      [true, 'errored', 0],
      [false, 'succeeded', 0],
    ]);
  });

  it.each([
    ['tok_chargeDeclined', 'Your card was declined.'],
    ['tok_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.'],
    ['tok_chargeDeclinedExpiredCard', 'Your card has expired.'],
    ['tok_chargeDeclinedIncorrectCvc', "Your card's security code is incorrect."],
    ['tok_chargeDeclinedProcessingError', 'An error occurred while processing your card. Try again in a little bit.'],
    ['tok_chargeDeclinedFraudulent', 'Your card was declined.'],
    ['tok_chargeDeclinedLostCard', 'Your card was declined.'],
    ['tok_chargeDeclinedStolenCard', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.'],
    ['pm_card_visa_chargeDeclined', 'Your card was declined.'],
  ])(
    'when the card %s is declined, then it answers 402 with the decline message and publishes nothing',
    async (token, message) => {
      const buyer = aUser();
      const order = await bed.anOrder({ userId: buyer.id });

      const response = await pay(buyer.cookie, { orderId: order.id, token }).expect(402);

      expect(response.body).toEqual({ errors: [{ message, code: 'CARD_DECLINED' }] });
      expect(await bed.paymentsOf(order.id)).toEqual([
        expect.objectContaining({
          status: 'failed',
          failureMessage: message,
          stripeId: expect.stringMatching(/^pi_sandbox_/),
        }),
      ]);
      expect(await bed.paymentsCreated(order.id)).toEqual([]);
    },
  );

  it('when a declined buyer pays again with another card, then the order is still payable and the new attempt gets a new idempotency key', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_chargeDeclined' }).expect(402);
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_chargeDeclinedExpiredCard' }).expect(402);

    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);

    const attempts = await bed.paymentsOf(order.id);
    expect(attempts.map((p) => [p.status, p.attempt])).toEqual([
      ['failed', 0],
      ['failed', 1],
      ['succeeded', 2],
    ]);
    expect(attempts[2]?.id).toBe(response.body.id);
    expect(chargeIdempotencyKey(order.id, 2)).toBe(`order-${order.id}-attempt-2`);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
  });

  it('when the token is unknown, then it answers 400 "No such token" and the next attempt is not blocked', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'tok_doesNotExist' }).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: "No such token: 'tok_doesNotExist'", code: 'PAYMENT_REJECTED', field: 'token' }],
    });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);
  });

  it('when the card needs 3D Secure, then it answers 402 saying so and the order stays payable', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await pay(buyer.cookie, { orderId: order.id, token: 'pm_card_authenticationRequired' }).expect(
      402,
    );
    expect(response.body.errors[0]).toEqual({
      message: expect.stringMatching(/requires authentication/),
      code: 'CARD_AUTHENTICATION_REQUIRED',
    });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'failed' });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);
  });

  it('when payments succeed and are declined, then /metrics counts them', async () => {
    const buyer = aUser();
    const app = bed.app();
    const paid = await bed.anOrder({ userId: buyer.id });
    const declined = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: paid.id, token: 'tok_visa' }, app).expect(201);
    await pay(buyer.cookie, { orderId: declined.id, token: 'tok_chargeDeclined' }, app).expect(402);

    const metrics = (await request(app).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^payments_succeeded_total\{service="payments"\} [1-9]/m);
    expect(metrics).toMatch(/^payments_declined_total\{service="payments"\} [1-9]/m);
    expect(metrics).toMatch(/^payments_gateway_breaker_state\{service="payments"\} 0$/m);
  });

  it('when the payment succeeded, then orders can complete the order: payment.created carries the order id', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }).expect(201);
    const [event] = await bed.published(Subjects.PaymentCreated);
    expect(event?.data.orderId).toBe(order.id);
    expect(event?.correlationId).toEqual(expect.any(String));
  });
});
