/**
 * The buyer guarantee against the whole platform (sandbox gateway, a short payout hold, the
 * scheduler sweeping every second): a buyer claims, an operator refunds, and the ledger holds —
 * the refunded order nets zero for the buyer and the seller, the platform keeps nothing of it,
 * while a sale nobody claimed is paid out the price less the seller fee, once.
 */
import { waitFor } from '@ticketing/common/testing';
import { type Cluster, startCluster } from './cluster';
import { call } from './http';
import { expectConsistent, Observer } from './invariants';

jest.setTimeout(180_000);

const OPERATOR_ID = 'a0a0a0a0-0000-4000-8000-000000000001';

let cluster: Cluster;
let observer: Observer;

beforeAll(async () => {
  cluster = await startCluster({
    serviceEnv: {
      payments: {
        // cookieFor signs `<first 8 characters of the id>@test.dev`.
        OPERATOR_EMAILS: 'a0a0a0a0@test.dev',
        // 3.6 s after the sale: long enough to claim, short enough to see the payout.
        PAYOUT_HOLD_HOURS: '0.001',
        PAYOUT_INTERVAL_SECONDS: '1',
      },
    },
  });
  observer = await Observer.open(cluster);
});
afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
});

/** A seller with a ready sandbox payout account lists; a buyer reserves and pays. */
async function aSale(price: number) {
  const [seller, buyer] = [cluster.cookieFor(), cluster.cookieFor()];
  const payments = cluster.url('payments');
  expect((await call(payments, 'POST', '/api/payments/payout-account', { cookie: seller })).status).toBe(200);
  const ticket = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
    cookie: seller,
    json: { title: `Claim test ${Math.random().toString(36).slice(2, 8)}`, price },
  });
  const orderId = await waitFor(async () => {
    const reply = await call(cluster.url('orders'), 'POST', '/api/orders', {
      cookie: buyer,
      json: { ticketId: ticket.body.id },
    });
    return reply.status === 201 ? (reply.body.id as string) : false;
  });
  await observer.settle();
  const paid = await call(payments, 'POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_visa' } });
  expect(paid.status).toBe(201);
  return { seller, buyer, orderId };
}

const payoutOf = async (orderId: string) =>
  (await observer.rows<{ status: string }>('payments', 'select status from payouts where order_id = $1', [orderId]))[0];

describe('claims and the money ledger', () => {
  it('when a buyer claims and the operator refunds, then the buyer is refunded, the payout cancelled, and the ledger holds; an unclaimed sale is paid out', async () => {
    const claimed = await aSale(40);
    const unclaimed = await aSale(25);
    const payments = cluster.url('payments');
    // The claim needs the completed order in payments (order.completed).
    const claim = await waitFor(async () => {
      const reply = await call(payments, 'POST', '/api/payments/claims', {
        cookie: claimed.buyer,
        json: { orderId: claimed.orderId, message: 'The scanner refused my ticket' },
      });
      return reply.status === 201 ? reply.body : false;
    });
    expect(claim).toMatchObject({ status: 'open' });

    const operator = cluster.cookieFor(OPERATOR_ID);
    const open = await call(payments, 'GET', '/api/payments/claims?all=true&status=open', { cookie: operator });
    expect(open.body.claims.map((c: { id: string }) => c.id)).toContain(claim.id);
    const resolved = await call(payments, 'POST', `/api/payments/claims/${claim.id}/resolve`, {
      cookie: operator,
      json: { decision: 'refund' },
    });
    expect(resolved.body).toMatchObject({ status: 'refunded', resolvedBy: OPERATOR_ID });

    await waitFor(async () => (await payoutOf(unclaimed.orderId))?.status === 'paid', { timeoutMs: 30_000 });
    expect((await payoutOf(claimed.orderId))?.status).toBe('cancelled');
    const mine = await call(payments, 'GET', '/api/payments/payouts', { cookie: claimed.seller });
    expect(mine.body.payouts).toMatchObject([{ orderId: claimed.orderId, state: 'cancelled' }]);
    await expectConsistent(observer, { ordersFinal: false, moneySettled: true, timeoutMs: 30_000 });
  });
});
