import { randomUUID } from 'node:crypto';
import { OrderStatus, requestAdminCommand, Subjects, serveAdminCommands } from '@ticketing/common';
import { type StripeStandIn, startStripeStandIn, waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { retryParkedRefund } from '../src/db/refunds.repository';
import { paymentAdminCommands } from '../src/events/admin-commands';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { aUser, createPaymentsTestBed, type PaymentsTestBed, standInGateway } from './harness';

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

  it('when the gateway is down during the refund, then the refund is retried with back-off until it goes through', async () => {
    const { order, payment } = await aPaidOrder();
    // With the SDK's own retry, each failed attempt makes two requests: 8 failures are 4 attempts.
    standIn.failNext(8, 503);

    await cancel(order.id);

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded', { timeoutMs: 20_000 });
    const [intent] = await bed.refundsOf(order.id);
    expect(intent).toMatchObject({ paymentId: payment.id, status: 'succeeded', attempts: 5 });
    expect(new Set(refundRequests().map((r) => r.idempotencyKey))).toEqual(new Set([`refund-${payment.id}`]));
    // The cancellation was acknowledged once its refund intent was recorded, not held until the gateway answered.
    expect((await bed.consumer(Subjects.OrderCancelled)).num_redelivered).toBe(0);
  });

  it('when the gateway refuses the refund for good, then it is parked as failed, counted in /metrics, and a retry after the fix refunds it', async () => {
    const { order, payment } = await aPaidOrder();
    standIn.disputeRefunds();

    await cancel(order.id);

    await waitFor(async () => (await bed.refundsOf(order.id))[0]?.status === 'failed');
    const [parked] = await bed.refundsOf(order.id);
    expect(parked).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/disputed/) });
    expect((await bed.paymentsOf(order.id))[0]?.status).toBe('succeeded');
    const metrics = await request(bed.app()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^ticketing_refunds_failed{service="payments"} 1$/m);

    standIn.reset();
    expect(await retryParkedRefund(bed.db, parked!.id)).toBe(true);
    bed.refundWorker.wake();

    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect((await bed.refundsOf(order.id))[0]).toMatchObject({ id: parked!.id, status: 'succeeded' });
    expect(refundRequests().map((r) => r.idempotencyKey)).toEqual([
      `refund-${payment.id}`,
      `refund-${payment.id}-retry-1`,
    ]);
    expect((await request(bed.app()).get('/metrics')).text).toMatch(
      /^ticketing_refunds_failed{service="payments"} 0$/m,
    );
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
      errors: [
        {
          message: 'Order was cancelled while it was being paid; the payment is being refunded',
          code: 'ORDER_CANCELLED',
        },
      ],
    });
    await waitFor(async () => (await bed.paymentsOf(order.id))[0]?.status === 'refunded');
    expect(refundRequests()).toHaveLength(1);
    expect(await bed.paymentsCreated(order.id)).toEqual([]);
    await slow.close();
  });

  it('when an order without payments is cancelled, then nothing is refunded', async () => {
    const order = await bed.anOrder();
    await cancel(order.id);
    await waitFor(async () => (await bed.order(order.id))?.status === 'cancelled');
    await bed.settled(Subjects.OrderCancelled);
    expect(refundRequests()).toEqual([]);
  });

  it('when an operator lists and retries refunds over NATS, then payments answers from its intents', async () => {
    const admin = serveAdminCommands(bed.nc, {
      service: 'payments',
      handlers: paymentAdminCommands(bed.deps),
      logger: bed.logger,
    });
    const { order } = await aPaidOrder();
    standIn.disputeRefunds();
    await cancel(order.id);
    await waitFor(async () => (await bed.refundsOf(order.id))[0]?.status === 'failed');
    const [parked] = await bed.refundsOf(order.id);

    const listed = (await requestAdminCommand(bed.nc, 'payments', 'refunds-list', { status: 'failed' })) as {
      id: string;
    }[];
    expect(listed.map((intent) => intent.id)).toEqual([parked!.id]);
    await expect(requestAdminCommand(bed.nc, 'payments', 'refunds-list', { status: 'lost' })).rejects.toThrow(
      'status must be one of pending, succeeded, not_needed, failed',
    );
    standIn.reset();
    await expect(requestAdminCommand(bed.nc, 'payments', 'refunds-retry', { id: parked!.id })).resolves.toEqual({
      id: parked!.id,
      status: 'pending',
    });
    await waitFor(async () => (await bed.refundsOf(order.id))[0]?.status === 'succeeded');
    await expect(requestAdminCommand(bed.nc, 'payments', 'refunds-retry', { id: parked!.id })).rejects.toThrow(
      /is not parked/,
    );
    await expect(requestAdminCommand(bed.nc, 'payments', 'refunds-retry', { id: 'x' })).rejects.toThrow(
      'id must be the uuid of a refund intent',
    );
    await admin.stop();
  });
});
