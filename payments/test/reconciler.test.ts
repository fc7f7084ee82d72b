import type { AddressInfo } from 'node:net';
import { OrderStatus } from '@ticketing/common';
import { type StripeStandIn, startStripeStandIn, waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import type { OrderRow, PaymentRow } from '../src/db/schema';
import { chargeIdempotencyKey } from '../src/domain/pay-order';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { aUser, createPaymentsTestBed, type PaymentsTestBed, standInGateway, WEBHOOK_SECRET } from './harness';

let standIn: StripeStandIn;
let bed: PaymentsTestBed;
beforeAll(async () => {
  standIn = await startStripeStandIn();
  bed = await createPaymentsTestBed({ gateway: standInGateway(standIn.url, { maxNetworkRetries: 0 }) });
});
beforeEach(async () => {
  standIn.reset({ clearRequests: true });
  await bed.reset();
});
afterAll(async () => {
  await bed?.close();
  await standIn?.close();
});

/** Past the reconciler's threshold (120 s in the bed, as in production). */
const later = () => new Date(Date.now() + 121_000);

/**
 * What a crash right after the gateway charged leaves behind: the gateway has a succeeded
 * PaymentIntent, payments has only the `pending` row it inserted before calling it.
 */
async function chargedThenCrashed(order: OrderRow, token = 'tok_visa'): Promise<PaymentRow> {
  const payment = await bed.aPayment(order, { status: 'pending' });
  await standInGateway(standIn.url)
    .charge({
      amount: payment.amount,
      currency: 'usd',
      token,
      idempotencyKey: chargeIdempotencyKey(order.id, 0),
      metadata: { orderId: order.id, userId: order.userId, paymentId: payment.id },
    })
    .catch(() => undefined);
  return payment;
}

describe('the payment reconciler', () => {
  it('when payments crashed after the gateway charged, then the reconciler completes the order once and publishes payment.created once', async () => {
    const order = await bed.anOrder();
    const payment = await chargedThenCrashed(order);

    expect(await bed.reconciler.runOnce(later())).toEqual(['completed']);
    expect(await bed.reconciler.runOnce(later())).toEqual([]);

    const [settled] = await bed.paymentsOf(order.id);
    expect(settled).toMatchObject({ id: payment.id, status: 'succeeded', stripeId: expect.stringMatching(/^pi_/) });
    const events = await bed.paymentsCreated(order.id);
    expect(events.map((event) => event.data)).toEqual([
      { id: payment.id, orderId: order.id, stripeId: settled?.stripeId },
    ]);
    // Found by the payment id the charge carried: the answer, and so the PaymentIntent id, was lost.
    expect(standIn.requests.filter((r) => r.path === '/v1/payment_intents/search')).toHaveLength(1);
  });

  it('when payments crashed after the gateway charged and the webhook arrives, then the webhook completes it and the reconciler finds nothing left', async () => {
    const order = await bed.anOrder();
    const server = bed.app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    standIn.forwardEvents(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments/webhook`,
      WEBHOOK_SECRET,
    );

    const payment = await chargedThenCrashed(order);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'succeeded');
    expect(await bed.reconciler.runOnce(later())).toEqual([]);
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
    expect((await bed.paymentsOf(order.id))[0]?.id).toBe(payment.id);
    await new Promise((resolve) => server.close(resolve));
  });

  it('when the order was cancelled before the charge was reconciled, then the charge is refunded and no payment.created is published', async () => {
    const order = await bed.anOrder({ status: OrderStatus.Cancelled, version: 1 });
    const payment = await chargedThenCrashed(order);

    expect(await bed.reconciler.runOnce(later())).toEqual(['refunding']);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect((await bed.refundsOf(order.id))[0]).toMatchObject({ paymentId: payment.id, status: 'succeeded' });
    expect(await bed.paymentsCreated(order.id)).toEqual([]);
  });

  it('when a charge timed out at the gateway but went through there, then the payment is errored until the reconciler completes it', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const impatient = new CircuitBreakerGateway(standInGateway(standIn.url, { timeoutMs: 200, maxNetworkRetries: 0 }));
    standIn.slowAnswers(1_000);

    await request(bed.app({}, { gateway: impatient }))
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' })
      .expect(503);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'errored', stripeId: null });
    standIn.reset();

    expect(await bed.reconciler.runOnce(later())).toEqual(['completed']);
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'succeeded' });
    expect(await bed.paymentsCreated(order.id)).toHaveLength(1);
    await impatient.close();
  });

  it('when the charge never reached the gateway or was declined there, then the payment is failed and the buyer may pay again', async () => {
    const buyer = aUser();
    const neverSent = await bed.anOrder({ userId: buyer.id });
    await bed.aPayment(neverSent, { status: 'errored' });
    const declined = await bed.anOrder();
    await chargedThenCrashed(declined, 'tok_chargeDeclined');

    expect((await bed.reconciler.runOnce(later())).sort()).toEqual(['failed', 'failed']);

    expect((await bed.paymentsOf(neverSent.id))[0]).toMatchObject({
      status: 'failed',
      failureMessage: 'no charge reached the gateway',
    });
    expect((await bed.paymentsOf(declined.id))[0]).toMatchObject({
      status: 'failed',
      failureMessage: 'Your card was declined.',
      stripeId: expect.stringMatching(/^pi_/),
    });
    await request(bed.app())
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: neverSent.id, token: 'tok_visa' })
      .expect(201);
  });

  it('when the gateway cannot be asked, then the payment stays as it is for the next run, and /metrics shows how old it is', async () => {
    const order = await bed.anOrder();
    await bed.aPayment(order, { status: 'errored' });
    standIn.failNext(10, 503);

    expect(await bed.reconciler.runOnce(later())).toEqual(['unreachable']);

    expect((await bed.paymentsOf(order.id))[0]?.status).toBe('errored');
    const metrics = await request(bed.app()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^ticketing_reconciler_oldest_unsettled_seconds\{service="payments"\} [\d.]+$/m);
  });

  it('when a payment is younger than the threshold, then the reconciler leaves it to the request that is still charging it', async () => {
    const order = await bed.anOrder();
    await chargedThenCrashed(order);

    expect(await bed.reconciler.runOnce(new Date())).toEqual([]);
    expect((await bed.paymentsOf(order.id))[0]?.status).toBe('pending');
  });
});
