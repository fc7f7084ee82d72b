/**
 * Money under faults, against payments talking to a local server that speaks the Stripe API (the
 * stand-in): each fault leaves the money ledger holding — for every order, charged − refunded is
 * its price when complete and 0 otherwise, in payments' records and at the gateway — with no
 * payment left pending or errored and no refund left open.
 */
import { STAND_IN_API_KEY, type StripeStandIn, startStripeStandIn, waitFor } from '@ticketing/common/testing';
import { type Cluster, startCluster, WEBHOOK_SECRET } from './cluster';
import { call } from './http';
import { expectConsistent, Observer } from './invariants';

jest.setTimeout(180_000);

let standIn: StripeStandIn;
let cluster: Cluster;
let observer: Observer;

beforeAll(async () => {
  standIn = await startStripeStandIn();
  cluster = await startCluster({
    serviceEnv: {
      payments: {
        STRIPE_KEY: STAND_IN_API_KEY,
        STRIPE_API_URL: standIn.url,
        // The SDK gives up on an answer after 1.5 s (and tries twice more with the same key).
        GATEWAY_TIMEOUT_MS: '1500',
      },
    },
  });
  observer = await Observer.open(cluster);
});
beforeEach(() => standIn.reset({ clearRequests: true }));
afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
  await standIn?.close();
});

/** A ticket listed, reserved, and known to payments; the buyer's cookie and the order id. */
async function aReservation(price = 30, seller = cluster.cookieFor()) {
  const buyer = cluster.cookieFor();
  const ticket = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
    cookie: seller,
    json: { title: `Money test ${Math.random().toString(36).slice(2, 8)}`, price },
  });
  const orderId = await waitFor(async () => {
    const reply = await call(cluster.url('orders'), 'POST', '/api/orders', {
      cookie: buyer,
      json: { ticketId: ticket.body.id },
    });
    return reply.status === 201 ? (reply.body.id as string) : false;
  });
  await observer.settle();
  return { buyer, orderId, price };
}

const pay = (buyer: string, orderId: string) =>
  call(cluster.url('payments'), 'POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_visa' } });

async function orderStatus(orderId: string): Promise<string | undefined> {
  const [row] = await observer.rows<{ status: string }>('orders', 'select status from orders where id = $1', [orderId]);
  return row?.status;
}

/** The ledger holds with every payment settled; the order ended as `expected`. */
async function expectSettled(orderId: string, expected: 'complete' | 'cancelled') {
  await waitFor(async () => (await orderStatus(orderId)) === expected, { timeoutMs: 30_000 });
  await expectConsistent(observer, { ordersFinal: false, moneySettled: true, timeoutMs: 30_000 });
}

/** Kills payments -9 while the stand-in holds the answer of a charge it has already made. */
async function killWhileTheAnswerIsOnItsWay(buyer: string, orderId: string) {
  standIn.slowAnswers(60_000);
  const paying = pay(buyer, orderId).catch(() => undefined);
  await waitFor(() => standIn.chargeRequests().length === 1);
  await cluster.kill('payments', 'SIGKILL');
  await paying;
  standIn.reset();
}

describe('money under faults', () => {
  it('when payments is killed between the gateway’s success and its commit, with no webhook, then the reconciler completes the order', async () => {
    const { buyer, orderId } = await aReservation();

    await killWhileTheAnswerIsOnItsWay(buyer, orderId);
    await cluster.restart('payments');

    await expectSettled(orderId, 'complete');
  });

  it('when payments is killed between the gateway’s success and its commit, and Stripe’s webhook comes, then the webhook completes the order', async () => {
    const { buyer, orderId } = await aReservation();
    // The reconciler is off for this run: only the webhook can settle the charge.
    await cluster.restart('payments', { RECONCILE_INTERVAL_SECONDS: '0' });
    const webhook = `${cluster.url('payments')}/api/payments/webhook`;

    // Stripe's event leaves a second after the charge: payments is down by then, and the event is
    // retried until it is back.
    standIn.forwardEvents(webhook, WEBHOOK_SECRET, { delayMs: 1_000 });
    await killWhileTheAnswerIsOnItsWay(buyer, orderId);
    standIn.forwardEvents(webhook, WEBHOOK_SECRET, { delayMs: 1_000 });
    await cluster.restart('payments');

    await expectSettled(orderId, 'complete');
    await cluster.restart('payments', { RECONCILE_INTERVAL_SECONDS: '1' });
  });

  it('when a charge times out at the gateway but went through there, then the buyer is told to retry and the reconciler completes the order', async () => {
    const { buyer, orderId } = await aReservation();
    standIn.slowAnswers(4_000);

    const answer = await pay(buyer, orderId);

    expect(answer.status).toBe(503);
    standIn.reset();
    await expectSettled(orderId, 'complete');
  });

  it('when the buyer cancels while the charge is in flight and the gateway refuses the refund 5 times, then the refund goes through in the end', async () => {
    const { buyer, orderId } = await aReservation();
    standIn.slowAnswers(1_000);
    const paying = pay(buyer, orderId);
    await waitFor(() => standIn.chargeRequests().length === 1);

    const cancelled = await call(cluster.url('orders'), 'DELETE', `/api/orders/${orderId}`, { cookie: buyer });
    expect(cancelled.status).toBe(204);
    standIn.slowAnswers(0);
    standIn.failNext(5, 503);
    const answer = await paying;

    expect([201, 400]).toContain(answer.status);
    await expectSettled(orderId, 'cancelled');
    const refunds = standIn.requests.filter((request) => request.path === '/v1/refunds');
    expect(refunds.length).toBeGreaterThan(1);
    expect(new Set(refunds.map((request) => request.idempotencyKey)).size).toBe(1);
  });

  it('when payments is killed between a payout’s transfer and its commit, then after the lease the transfer is repeated with its key: the seller is paid once', async () => {
    await cluster.restart('payments', {
      PAYOUT_HOLD_HOURS: '0',
      PAYOUT_INTERVAL_SECONDS: '1',
      PAYOUT_LEASE_SECONDS: '3',
    });
    const seller = cluster.cookieFor();
    const onboarding = await call(cluster.url('payments'), 'POST', '/api/payments/payout-account', { cookie: seller });
    expect(onboarding.body.status).toBe('onboarding');
    const [account] = await observer.rows<{ account_id: string }>(
      'payments',
      'select account_id from payout_accounts order by created_at desc limit 1',
    );
    standIn.completeOnboarding(account!.account_id);
    const ready = await call(cluster.url('payments'), 'GET', '/api/payments/payout-account', { cookie: seller });
    expect(ready.body.status).toBe('ready');
    const { buyer, orderId } = await aReservation(30, seller);
    // The transfer is made at once, its answer held back: payments dies before it can commit.
    standIn.slowAnswers(60_000, ['/v1/transfers']);

    expect((await pay(buyer, orderId)).status).toBe(201);
    await waitFor(() => standIn.transferRequests().length === 1, { timeoutMs: 30_000 });
    await cluster.kill('payments', 'SIGKILL');
    standIn.reset();
    await cluster.restart('payments');

    const payout = await waitFor(
      async () => {
        const [row] = await observer.rows<{ status: string; transfer_id: string | null }>(
          'payments',
          'select status, transfer_id from payouts where order_id = $1',
          [orderId],
        );
        return row?.status === 'paid' ? row : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(standIn.transfers()).toHaveLength(1);
    expect(payout.transfer_id).toBe(standIn.transfers()[0]!.id);
    const keys = new Set(standIn.transferRequests().map((request) => request.idempotencyKey));
    expect(keys.size).toBe(1);
    await expectSettled(orderId, 'complete');
    await cluster.restart('payments', {
      PAYOUT_HOLD_HOURS: '48',
      PAYOUT_INTERVAL_SECONDS: '30',
      PAYOUT_LEASE_SECONDS: '300',
    });
  });
});
