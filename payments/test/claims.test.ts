import { randomUUID } from 'node:crypto';
import { type BatchItem, OrderStatus, type PassAdmittedData, Subjects } from '@ticketing/common';
import { signin, waitFor } from '@ticketing/common/testing';
import { eq, inArray } from 'drizzle-orm';
import request from 'supertest';
import { claimDuePayout } from '../src/db/payouts.repository';
import { admittedOrders, claims, payouts, sandboxPaymentIntents, sandboxTransfers } from '../src/db/schema';
import { attemptPayout } from '../src/domain/payouts';
import { PassAdmittedListener } from '../src/events/listeners/pass-admitted.listener';
import { GatewayFailedError, GatewayRejectedError, type PaymentGateway } from '../src/gateway/payment-gateway';
import { aUser, createPaymentsTestBed, JWT_KEY, type PaymentsTestBed, signedStripeEvent } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const OPERATOR_EMAIL = 'ops@ticketing.dev';
const OPERATOR_ID = randomUUID();
// Emails are compared without case.
const operator = { id: OPERATOR_ID, cookie: signin({ jwtKey: JWT_KEY, id: OPERATOR_ID, email: 'Ops@Ticketing.dev' }) };
const app = () => bed.app({ OPERATOR_EMAILS: [OPERATOR_EMAIL, 'other-ops@ticketing.dev'] });

/** A seller whose sandbox payout account is ready. */
async function aReadySeller() {
  const seller = aUser();
  await request(app()).post('/api/payments/payout-account').set('Cookie', seller.cookie).expect(200);
  return seller;
}

/**
 * A completed sale paid through payments (tok_visa through the sandbox), then order.completed:
 * the buyer's charge and the seller's held payout.
 */
async function aPaidSale({ priceCents = 4000, buyerFeeCents = 400 } = {}) {
  const seller = await aReadySeller();
  const buyer = aUser();
  const order = await bed.anOrder({ userId: buyer.id, sellerId: seller.id, priceCents, buyerFeeCents });
  await request(app())
    .post('/api/payments')
    .set('Cookie', buyer.cookie)
    .send({ orderId: order.id, token: 'tok_visa' })
    .expect(201);
  await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: randomUUID() } });
  await waitFor(async () => (await bed.payoutOf(order.id)) !== undefined);
  await waitFor(async () => (await bed.order(order.id))?.status === OrderStatus.Complete);
  return { seller, buyer, order, payout: (await bed.payoutOf(order.id))! };
}

const openClaim = (cookie: string[], body: unknown) =>
  request(app())
    .post('/api/payments/claims')
    .set('Cookie', cookie)
    .send(body as object);

const resolve = (cookie: string[], claimId: string, decision: string) =>
  request(app()).post(`/api/payments/claims/${claimId}/resolve`).set('Cookie', cookie).send({ decision });

const admission = (orderId?: string): PassAdmittedData => ({
  id: randomUUID(),
  version: 1,
  ticketId: randomUUID(),
  orderId,
  eventId: randomUUID(),
  holderId: randomUUID(),
  generation: 1,
  admittedBy: randomUUID(),
  admittedAt: new Date().toISOString(),
});

const admit = (orderId: string) => bed.publish(Subjects.PassAdmitted, admission(orderId));

/** The gateway whose transfers go out but whose answers are lost (a 500 after the transfer). */
const transferAnswerLost = (): PaymentGateway =>
  Object.create(bed.gateway, {
    transfer: {
      value: async (transfer: Parameters<PaymentGateway['transfer']>[0]) => {
        await bed.gateway.transfer(transfer);
        throw new GatewayFailedError('Stripe answered 500');
      },
    },
  });

const historyKinds = async (orderId: string) => (await bed.historyOf(orderId)).map((entry) => entry.kind);

/** What the buyer was charged less what was given back, from the sandbox's own records. */
async function netCharged(orderId: string) {
  const intents = (await bed.db.select().from(sandboxPaymentIntents)).filter(
    (intent) => intent.metadata.orderId === orderId && intent.status === 'succeeded',
  );
  return intents.reduce((sum, intent) => sum + (intent.refundId ? 0 : intent.amount), 0);
}

/** What the seller holds of the order: transfers less reversals. */
async function netTransferred(orderId: string) {
  const transfers = (await bed.db.select().from(sandboxTransfers)).filter(
    (transfer) => transfer.metadata.orderId === orderId,
  );
  return transfers.reduce((sum, transfer) => sum + (transfer.reversalId ? 0 : transfer.amount), 0);
}

describe('a buyer opens a claim', () => {
  it('when the buyer of a completed order claims before the payout, then 201 open, claim.opened, a history entry, and the payout is on hold: the scheduler does not pay it', async () => {
    const { seller, buyer, order, payout } = await aPaidSale();

    const response = await openClaim(buyer.cookie, {
      orderId: order.id,
      message: '  The scanner said invalid.  ',
    }).expect(201);

    expect(response.body).toEqual({
      id: expect.any(String),
      orderId: order.id,
      buyerId: buyer.id,
      message: 'The scanner said invalid.',
      status: 'open',
      reason: null,
      resolvedBy: null,
      openedAt: expect.any(String),
      resolvedAt: null,
    });
    const [opened] = await bed.published(Subjects.ClaimOpened, order.id);
    expect(opened?.data).toEqual({
      id: response.body.id,
      version: 0,
      orderId: order.id,
      buyerId: buyer.id,
      openedAt: response.body.openedAt,
    });
    expect(await historyKinds(order.id)).toEqual(['sold', 'claim_opened']);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);
    expect((await bed.payoutOf(order.id))?.status).toBe('held');
    const listed = await request(app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toMatchObject([{ id: payout.id, state: 'on_hold' }]);
  });

  it("when the buyer's pass was admitted at the door, then 201 declined with the reason, and claim.resolved says declined by nobody", async () => {
    const { buyer, order } = await aPaidSale();
    await admit(order.id);
    await bed.settled(Subjects.PassAdmitted);

    const response = await openClaim(buyer.cookie, { orderId: order.id, message: 'It did not work' }).expect(201);

    expect(response.body).toMatchObject({ status: 'declined', resolvedBy: null, resolvedAt: expect.any(String) });
    expect(response.body.reason).toMatch(/admitted at the door/);
    const [resolved] = await bed.published(Subjects.ClaimResolved, order.id);
    expect(resolved?.data).toMatchObject({
      id: response.body.id,
      version: 1,
      outcome: 'declined',
      resolvedBy: null,
      reason: response.body.reason,
    });
    expect(await historyKinds(order.id)).toEqual(['sold', 'claim_opened', 'claim_declined']);
    // Nothing holds the payout: it is paid as usual.
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['paid']);
  });

  it('when pass.admitted arrives while a claim is open, then the claim is declined and the payout is no longer held', async () => {
    const { buyer, order } = await aPaidSale();
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'Refused at the door' }).expect(
      201,
    );

    await admit(order.id);

    await waitFor(
      async () => (await bed.db.select().from(claims).where(eq(claims.id, claim.id)))[0]?.status === 'declined',
    );
    expect(await bed.published(Subjects.ClaimResolved, order.id)).toMatchObject([
      { data: { outcome: 'declined', resolvedBy: null, version: 1 } },
    ]);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['paid']);
    expect(await historyKinds(order.id)).toEqual(['sold', 'claim_opened', 'claim_declined', 'payout_paid']);
  });

  it('when claims and admissions of the same orders arrive at the same moment, then every claim ends declined', async () => {
    const sales = await Promise.all(Array.from({ length: 20 }, () => aPaidSale()));
    // The claim's transaction and the admission's handler race: whichever commits last sees the other.
    const answers = await Promise.all(
      sales.map(async ({ buyer, order }) => {
        const [answer] = await Promise.all([
          openClaim(buyer.cookie, { orderId: order.id, message: 'Refused at the door' }),
          admit(order.id),
        ]);
        return answer.status;
      }),
    );
    expect(answers).toEqual(sales.map(() => 201));
    await bed.settled(Subjects.PassAdmitted);
    const statuses = await bed.db.select({ status: claims.status }).from(claims);
    expect(statuses.map((claim) => claim.status)).toEqual(sales.map(() => 'declined'));
    expect(await bed.published(Subjects.ClaimResolved)).toHaveLength(sales.length);
  });

  it('when pass.admitted arrives for an order with no open claim, then only the admission is recorded', async () => {
    const { buyer, order } = await aPaidSale();
    await admit(order.id);
    await bed.settled(Subjects.PassAdmitted);
    expect(await bed.published(Subjects.ClaimResolved)).toEqual([]);
    expect(await historyKinds(order.id)).toEqual(['sold']);
    expect(buyer.id).toBe(order.userId);
  });
});

describe('admissions that arrive together', () => {
  it('when admissions wait together, then one statement records them all and the open claim among their orders is declined', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.PassAdmitted>[]) => Promise<void>;
    const applyBatch = jest.spyOn(PassAdmittedListener.prototype as unknown as { applyBatch: Apply }, 'applyBatch');
    const [claimed, unclaimed] = await Promise.all([aPaidSale(), aPaidSale()]);
    const { body: claim } = await openClaim(claimed.buyer.cookie, {
      orderId: claimed.order.id,
      message: 'Refused at the door',
    }).expect(201);
    // Nothing left over from an earlier test on the consumer.
    await bed.settled(Subjects.PassAdmitted);
    const first = admission(randomUUID());
    // The claimed order twice (a pass scanned at two doors), and an admission that names no order.
    const group = [
      admission(claimed.order.id),
      admission(unclaimed.order.id),
      admission(claimed.order.id),
      admission(),
    ];
    await bed.deliverAsGroup('admitted_orders', Subjects.PassAdmitted, first, group);

    await waitFor(
      async () => (await bed.db.select().from(claims).where(eq(claims.id, claim.id)))[0]?.status === 'declined',
    );
    await bed.settled(Subjects.PassAdmitted);
    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => item.data.id))).toEqual([
      group.map((data) => data.id),
    ]);
    const recorded = await bed.db
      .select({ orderId: admittedOrders.orderId })
      .from(admittedOrders)
      .where(inArray(admittedOrders.orderId, [claimed.order.id, unclaimed.order.id]));
    expect(recorded.map((row) => row.orderId).sort()).toEqual([claimed.order.id, unclaimed.order.id].sort());
    expect(await bed.published(Subjects.ClaimResolved)).toMatchObject([
      { data: { id: claim.id, outcome: 'declined', resolvedBy: null, version: 1 } },
    ]);
    expect(await historyKinds(claimed.order.id)).toEqual(['sold', 'claim_opened', 'claim_declined']);
    expect(await historyKinds(unclaimed.order.id)).toEqual(['sold']);
    applyBatch.mockRestore();
  });
});

describe('a claim is refused', () => {
  it('when the order is unknown, then 404 ORDER_NOT_FOUND', async () => {
    const buyer = aUser();
    const response = await openClaim(buyer.cookie, { orderId: randomUUID(), message: 'x' }).expect(404);
    expect(response.body.errors).toEqual([{ message: expect.any(String), code: 'ORDER_NOT_FOUND' }]);
  });

  it('when someone else than the buyer claims, then 403 CLAIM_NOT_BUYER and nothing is stored', async () => {
    const { seller, order } = await aPaidSale();
    const response = await openClaim(seller.cookie, { orderId: order.id, message: 'x' }).expect(403);
    expect(response.body.errors[0].code).toBe('CLAIM_NOT_BUYER');
    expect(await bed.db.select().from(claims)).toEqual([]);
  });

  it('when the order is not complete, then 409 CLAIM_ORDER_NOT_COMPLETE', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id });
    const response = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(409);
    expect(response.body.errors[0].code).toBe('CLAIM_ORDER_NOT_COMPLETE');
  });

  it('when the order has a claim already, then 409 CLAIM_EXISTS, also for claims sent at once', async () => {
    const { buyer, order } = await aPaidSale();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => openClaim(buyer.cookie, { orderId: order.id, message: 'broken' })),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(responses.filter((r) => r.status === 409).map((r) => r.body.errors[0].code)).toEqual(
      Array(4).fill('CLAIM_EXISTS'),
    );
    expect(await bed.db.select().from(claims)).toHaveLength(1);
    expect(await bed.published(Subjects.ClaimOpened)).toHaveLength(1);
  });

  it('when the seller has been paid already, then 409 CLAIM_TOO_LATE', async () => {
    const { buyer, order } = await aPaidSale();
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['paid']);
    const response = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(409);
    expect(response.body.errors[0].code).toBe('CLAIM_TOO_LATE');
  });

  it.each([
    ['no field', {}, 'orderId'],
    ['a bad order id', { orderId: 'nope', message: 'x' }, 'orderId'],
    ['no message', { orderId: randomUUID() }, 'message'],
    ['a blank message', { orderId: randomUUID(), message: '   ' }, 'message'],
    ['a message of 1001 characters', { orderId: randomUUID(), message: 'x'.repeat(1001) }, 'message'],
    ['a NUL in the message', { orderId: randomUUID(), message: 'bad\u0000byte' }, 'message'],
    ['a message that is not text', { orderId: randomUUID(), message: 42 }, 'message'],
  ])('when the body has %s, then 400 VALIDATION_FAILED about %s', async (_label, body, field) => {
    const buyer = aUser();
    const response = await openClaim(buyer.cookie, body).expect(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', field }));
    expect(await bed.db.select().from(claims)).toEqual([]);
  });

  it('when the message is 1000 characters, then it is kept whole', async () => {
    const { buyer, order } = await aPaidSale();
    const message = 'é'.repeat(1000);
    const response = await openClaim(buyer.cookie, { orderId: order.id, message }).expect(201);
    expect(response.body.message).toBe(message);
  });

  it('when nobody is signed in, then 401 and the claims list is refused too', async () => {
    await request(app()).post('/api/payments/claims').send({ orderId: randomUUID(), message: 'x' }).expect(401);
    await request(app()).get('/api/payments/claims').expect(401);
  });
});

describe('listing claims', () => {
  it('when a buyer lists claims, then they see only their own (all=true: 403 OPERATOR_ONLY); an operator sees every one and can filter by status', async () => {
    const first = await aPaidSale();
    const second = await aPaidSale();
    await openClaim(first.buyer.cookie, { orderId: first.order.id, message: 'one' }).expect(201);
    const { body: other } = await openClaim(second.buyer.cookie, { orderId: second.order.id, message: 'two' }).expect(
      201,
    );
    await resolve(operator.cookie, other.id, 'release').expect(200);

    const own = await request(app()).get('/api/payments/claims').set('Cookie', first.buyer.cookie).expect(200);
    expect(own.body.claims.map((claim: { message: string }) => claim.message)).toEqual(['one']);
    const all = await request(app()).get('/api/payments/claims').set('Cookie', operator.cookie).expect(200);
    expect(all.body.claims.map((claim: { message: string }) => claim.message)).toEqual(['two', 'one']);
    const open = await request(app())
      .get('/api/payments/claims?status=open')
      .set('Cookie', operator.cookie)
      .expect(200);
    expect(open.body.claims.map((claim: { message: string }) => claim.message)).toEqual(['one']);
    await request(app()).get('/api/payments/claims?status=lost').set('Cookie', operator.cookie).expect(400);
    const every = await request(app())
      .get('/api/payments/claims?all=true&status=open')
      .set('Cookie', operator.cookie)
      .expect(200);
    expect(every.body.claims).toHaveLength(1);
    const refused = await request(app())
      .get('/api/payments/claims?all=true')
      .set('Cookie', first.buyer.cookie)
      .expect(403);
    expect(refused.body.errors[0].code).toBe('OPERATOR_ONLY');
  });

  it('when OPERATOR_EMAILS is empty (the default), then nobody is an operator', async () => {
    const { buyer, order } = await aPaidSale();
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    const plain = bed.app();
    const listed = await request(plain).get('/api/payments/claims').set('Cookie', operator.cookie).expect(200);
    expect(listed.body.claims).toEqual([]);
    await request(plain)
      .post(`/api/payments/claims/${claim.id}/resolve`)
      .set('Cookie', operator.cookie)
      .send({ decision: 'refund' })
      .expect(403);
  });
});

describe('an operator resolves a claim', () => {
  it('when someone who is not an operator resolves, then 403 OPERATOR_ONLY and the claim stays open', async () => {
    const { buyer, order } = await aPaidSale();
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    const response = await resolve(buyer.cookie, claim.id, 'refund').expect(403);
    expect(response.body.errors[0].code).toBe('OPERATOR_ONLY');
    expect((await bed.db.select().from(claims))[0]?.status).toBe('open');
  });

  it('when the claim is unknown, then 404 CLAIM_NOT_FOUND; a bad decision is a 400', async () => {
    expect((await resolve(operator.cookie, randomUUID(), 'refund').expect(404)).body.errors[0].code).toBe(
      'CLAIM_NOT_FOUND',
    );
    const bad = await resolve(operator.cookie, randomUUID(), 'keep').expect(400);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'decision' }));
    await resolve(operator.cookie, 'not-an-id', 'refund').expect(400);
  });

  it('when the operator refunds before the payout, then the buyer gets the total back (reason "claim refunded"), the payout is cancelled, the events are published, and the order nets zero', async () => {
    const { seller, buyer, order, payout } = await aPaidSale({ priceCents: 4000, buyerFeeCents: 400 });
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);

    const response = await resolve(operator.cookie, claim.id, 'refund').expect(200);

    expect(response.body).toMatchObject({ id: claim.id, status: 'refunded', resolvedAt: expect.any(String) });
    expect(response.body.resolvedBy).toBe(OPERATOR_ID);
    expect(await bed.payoutOf(order.id)).toMatchObject({ status: 'cancelled', version: 1, transferId: null });
    const [cancelled] = await bed.published(Subjects.PayoutCancelled, order.id);
    expect(cancelled?.data).toMatchObject({ id: payout.id, version: 1, sellerId: seller.id, amount: 3800 });
    const [resolved] = await bed.published(Subjects.ClaimResolved, order.id);
    expect(resolved?.data).toMatchObject({ outcome: 'refunded', version: 1, reason: null });
    await waitFor(async () => (await bed.refundsOf(order.id))[0]?.status === 'succeeded');
    // The sale is undone once, when the operator decided, though the refund worker refunds it later.
    const [payment] = await bed.paymentsOf(order.id);
    const undone = await bed.published(Subjects.PaymentRefunded, order.id);
    expect(undone.map((event) => event.data)).toEqual([
      { id: payment!.id, orderId: order.id, ticketId: payout.ticketId, refundedAt: expect.any(String) },
    ]);
    expect((await bed.refundsOf(order.id))[0]).toMatchObject({ reason: 'claim refunded' });
    expect((await bed.paymentsOf(order.id))[0]).toMatchObject({ status: 'refunded', amount: 4400 });
    expect(await netCharged(order.id)).toBe(0);
    expect(await netTransferred(order.id)).toBe(0);
    expect(await historyKinds(order.id)).toEqual([
      'sold',
      'claim_opened',
      'refund_requested',
      'payout_cancelled',
      'claim_refunded',
    ]);
    // The scheduler never pays it, and a second decision is refused.
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);
    expect((await resolve(operator.cookie, claim.id, 'release').expect(409)).body.errors[0].code).toBe(
      'CLAIM_NOT_OPEN',
    );
    const listed = await request(app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toMatchObject([{ id: payout.id, state: 'cancelled' }]);
  });

  it('when the operator releases, then the hold is lifted and the scheduler pays the seller as usual', async () => {
    const { buyer, order } = await aPaidSale();
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);

    const response = await resolve(operator.cookie, claim.id, 'release').expect(200);

    expect(response.body.status).toBe('released');
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['paid']);
    expect(await bed.published(Subjects.ClaimResolved, order.id)).toMatchObject([{ data: { outcome: 'released' } }]);
    expect(await bed.refundsOf(order.id)).toEqual([]);
    expect(await historyKinds(order.id)).toEqual(['sold', 'claim_opened', 'claim_released', 'payout_paid']);
  });

  it('when two operators decide at once, then one decision wins and the other gets CLAIM_NOT_OPEN', async () => {
    const { buyer, order } = await aPaidSale();
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    const responses = await Promise.all([
      resolve(operator.cookie, claim.id, 'refund'),
      resolve(operator.cookie, claim.id, 'release'),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await bed.published(Subjects.ClaimResolved, order.id)).toHaveLength(1);
  });

  it('when payments holds no charge of the order, then refunding answers 409 ORDER_NOT_REFUNDABLE and the claim stays open', async () => {
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, status: OrderStatus.Complete, version: 1 });
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    expect((await resolve(operator.cookie, claim.id, 'refund').expect(409)).body.errors[0].code).toBe(
      'ORDER_NOT_REFUNDABLE',
    );
    expect((await bed.db.select().from(claims))[0]?.status).toBe('open');
  });
});

describe('a refund after the transfer reverses it', () => {
  it('when the refund comes while the transfer is in flight, then the transfer is recorded and reversed (payout-<id>-reversal): the seller keeps nothing', async () => {
    const { seller, buyer, order, payout } = await aPaidSale();
    // The scheduler has taken the payout and is transferring it when the buyer claims.
    const taken = (await claimDuePayout(bed.db, { holdHours: 0, leaseMs: 60_000, dueBy: new Date() }))!;
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);
    expect(await bed.payoutOf(order.id)).toMatchObject({ status: 'held', refundedAt: expect.any(Date) });
    // Until the scheduler takes it back, the gauge behind TicketingPayoutReversalStuck counts it.
    const metrics = await request(app()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^payments_payout_reversals_due({service="payments"})? 1$/m);

    expect(await attemptPayout(bed.deps, taken, { now: new Date(), maxAttempts: 5, retryDelayMs: () => 1 })).toBe(
      'paid',
    );
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['reversed']);

    const [transfer] = await bed.db.select().from(sandboxTransfers);
    expect(transfer).toMatchObject({
      idempotencyKey: `payout-${payout.id}`,
      reversalIdempotencyKey: `payout-${payout.id}-reversal`,
    });
    expect(await bed.payoutOf(order.id)).toMatchObject({
      status: 'reversed',
      reversalId: transfer!.reversalId,
      version: 2,
    });
    const [reversed] = await bed.published(Subjects.PayoutReversed, order.id);
    expect(reversed?.data).toMatchObject({
      id: payout.id,
      version: 2,
      reversalId: transfer!.reversalId,
      amount: payout.amountCents,
    });
    expect(await bed.published(Subjects.PayoutCancelled, order.id)).toEqual([]);
    await waitFor(async () => (await bed.refundsOf(order.id))[0]?.status === 'succeeded');
    expect(await netCharged(order.id)).toBe(0);
    expect(await netTransferred(order.id)).toBe(0);
    expect(await historyKinds(order.id)).toEqual([
      'sold',
      'claim_opened',
      'refund_requested',
      'payout_reversal_due',
      'claim_refunded',
      'payout_paid',
      'payout_reversed',
    ]);
    const listed = await request(app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toMatchObject([{ state: 'reversed' }]);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);
    const after = await request(app()).get('/metrics').expect(200);
    expect(after.text).toMatch(/^payments_payout_reversals_due({service="payments"})? 0$/m);
  });

  it('when the scheduler died between the transfer and its commit, then the refund repeats the transfer with its key and reverses it: one transfer, one reversal', async () => {
    const { buyer, order, payout } = await aPaidSale();
    const taken = (await claimDuePayout(bed.db, { holdHours: 0, leaseMs: 60_000, dueBy: new Date() }))!;
    await bed.gateway.transfer({
      amount: taken.amountCents,
      currency: 'usd',
      destination: taken.accountId,
      transferGroup: `order-${order.id}`,
      idempotencyKey: `payout-${payout.id}`,
      metadata: { payoutId: payout.id, orderId: order.id },
    });
    // The process is gone; its lease runs out.
    await bed.db
      .update(payouts)
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(payouts.id, payout.id));
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);

    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['reversed']);

    expect(await bed.db.select().from(sandboxTransfers)).toHaveLength(1);
    expect(await netTransferred(order.id)).toBe(0);
    expect(await bed.published(Subjects.PayoutPaid, order.id)).toHaveLength(1);
    expect(await bed.published(Subjects.PayoutReversed, order.id)).toHaveLength(1);
  });

  it('when the answer of a transfer was lost and the refund comes before the retry, then the payout is not cancelled but reversed', async () => {
    const { buyer, order } = await aPaidSale();
    const answerLost = transferAnswerLost();
    expect(await bed.payoutScheduler({ holdHours: 0, gateway: answerLost }).runOnce()).toEqual(['retry']);
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);
    await bed.db
      .update(payouts)
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(payouts.orderId, order.id));

    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['reversed']);
    expect(await netTransferred(order.id)).toBe(0);
  });

  it('when a payout was parked after answers that never came (the transfer went out) and the buyer is refunded, then it is reversed, not cancelled', async () => {
    const { buyer, order } = await aPaidSale();
    const answerLost = transferAnswerLost();
    expect(await bed.payoutScheduler({ holdHours: 0, gateway: answerLost, maxAttempts: 1 }).runOnce()).toEqual([
      'parked',
    ]);
    expect(await bed.payoutOf(order.id)).toMatchObject({ status: 'failed', transferStartedAt: expect.any(Date) });
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);
    expect((await bed.payoutOf(order.id))?.status).toBe('failed');

    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['reversed']);
    expect(await bed.db.select().from(sandboxTransfers)).toHaveLength(1);
    expect(await netTransferred(order.id)).toBe(0);
  });

  it('when a transfer was refused and the buyer is refunded, then the payout is cancelled without a transfer', async () => {
    const { buyer, order } = await aPaidSale();
    const refusing: PaymentGateway = Object.create(bed.gateway, {
      transfer: {
        value: async () => Promise.reject(new GatewayRejectedError('No such destination', 'resource_missing')),
      },
    });
    expect(await bed.payoutScheduler({ holdHours: 0, gateway: refusing }).runOnce()).toEqual(['retry']);
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);
    expect((await bed.payoutOf(order.id))?.status).toBe('cancelled');
    expect(await bed.db.select().from(sandboxTransfers)).toEqual([]);
  });

  it('when the reversal fails, then it is retried with back-off until it goes through, reversed once', async () => {
    const { buyer, order } = await aPaidSale();
    const taken = (await claimDuePayout(bed.db, { holdHours: 0, leaseMs: 60_000, dueBy: new Date() }))!;
    const { body: claim } = await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    await resolve(operator.cookie, claim.id, 'refund').expect(200);
    await attemptPayout(bed.deps, taken, { now: new Date(), maxAttempts: 5, retryDelayMs: () => 1 });
    const failing: PaymentGateway = Object.create(bed.gateway, {
      reverseTransfer: { value: async () => Promise.reject(new GatewayFailedError('Stripe answered 500')) },
    });

    expect(await bed.payoutScheduler({ holdHours: 0, gateway: failing }).runOnce()).toEqual(['reversal-retry']);
    expect(await bed.payoutOf(order.id)).toMatchObject({
      status: 'paid',
      attempts: 1,
      lastError: 'Stripe answered 500',
    });
    await waitFor(async () => (await bed.payoutScheduler({ holdHours: 0 }).runOnce()).includes('reversed'));
    expect(await bed.published(Subjects.PayoutReversed, order.id)).toHaveLength(1);
    expect(await netTransferred(order.id)).toBe(0);
  });
});

describe('refunds not caused by claims', () => {
  // What a refund made in the Stripe dashboard looks like to payments.
  const chargeRefunded = (stripeId: string) =>
    signedStripeEvent('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: stripeId, refunded: true });
  const deliver = (event: { payload: string; signature: string }) =>
    request(app())
      .post('/api/payments/webhook')
      .set('Stripe-Signature', event.signature)
      .set('Content-Type', 'application/json')
      .send(event.payload);

  it('when the charge of a completed order is refunded at the gateway before the payout, then the payout is cancelled', async () => {
    const { order } = await aPaidSale();
    const [payment] = await bed.paymentsOf(order.id);
    await deliver(chargeRefunded(payment!.stripeId!)).expect(200);
    expect((await bed.payoutOf(order.id))?.status).toBe('cancelled');
    expect(await bed.published(Subjects.PayoutCancelled, order.id)).toHaveLength(1);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);
    // passes hears that the sale is undone, once, however often Stripe tells.
    await deliver(chargeRefunded(payment!.stripeId!)).expect(200);
    expect(await bed.published(Subjects.PaymentRefunded, order.id)).toMatchObject([
      { data: { id: payment!.id, orderId: order.id } },
    ]);
  });

  it('when the charge is refunded at the gateway after the payout, then the transfer is reversed', async () => {
    const { order } = await aPaidSale();
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['paid']);
    const [payment] = await bed.paymentsOf(order.id);
    await deliver(chargeRefunded(payment!.stripeId!)).expect(200);
    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual(['reversed']);
    expect((await bed.payoutOf(order.id))?.status).toBe('reversed');
    expect(await netTransferred(order.id)).toBe(0);
    expect(await bed.published(Subjects.PaymentRefunded, order.id)).toHaveLength(1);
  });

  it('when a second charge of a paid order is refunded, then the payout stands', async () => {
    const { order } = await aPaidSale();
    const second = await bed.aPayment(order, { status: 'errored', stripeId: 'pi_second_charge', attempt: 1 });
    await deliver(chargeRefunded('pi_second_charge')).expect(200);
    expect((await bed.paymentsOf(order.id)).find((p) => p.id === second.id)?.status).toBe('refunded');
    expect((await bed.payoutOf(order.id))?.status).toBe('held');
    // The sale stands: the buyer keeps their pass.
    expect(await bed.published(Subjects.PaymentRefunded)).toEqual([]);
  });
});

describe("an order's history", () => {
  it('when the buyer, the seller or an operator asks, then they get every step; anyone else 403, an unknown order 404', async () => {
    const { seller, buyer, order } = await aPaidSale();
    await openClaim(buyer.cookie, { orderId: order.id, message: 'x' }).expect(201);
    for (const who of [buyer, seller, operator]) {
      const response = await request(app())
        .get(`/api/payments/orders/${order.id}/history`)
        .set('Cookie', who.cookie)
        .expect(200);
      expect(response.body).toEqual({
        orderId: order.id,
        entries: [
          { kind: 'sold', detail: expect.any(Object), at: expect.any(String) },
          { kind: 'claim_opened', detail: expect.objectContaining({ message: 'x' }), at: expect.any(String) },
        ],
      });
    }
    const stranger = aUser();
    const refused = await request(app())
      .get(`/api/payments/orders/${order.id}/history`)
      .set('Cookie', stranger.cookie)
      .expect(403);
    expect(refused.body.errors[0].code).toBe('ORDER_HISTORY_FORBIDDEN');
    const missing = await request(app())
      .get(`/api/payments/orders/${randomUUID()}/history`)
      .set('Cookie', buyer.cookie)
      .expect(404);
    expect(missing.body.errors[0].code).toBe('ORDER_NOT_FOUND');
  });
});
