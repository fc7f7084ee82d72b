import { randomUUID } from 'node:crypto';
import { requestAdminCommand, Subjects, serveAdminCommands } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { admittedOrders, events, payoutAccounts, payouts, sandboxAccounts, sandboxTransfers } from '../src/db/schema';
import { applyCatalogEvent } from '../src/domain/catalog-replica';
import { paymentAdminCommands } from '../src/events/admin-commands';
import { GatewayUnavailableError, type PaymentGateway } from '../src/gateway/payment-gateway';
import { SandboxGateway } from '../src/gateway/sandbox.gateway';
import { aUser, createPaymentsTestBed, type PaymentsTestBed } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);

/** A seller whose sandbox payout account is ready (through the API, as the web app does it). */
async function aReadySeller() {
  const seller = aUser();
  await request(bed.app())
    .post('/api/payments/payout-account')
    .set('Cookie', seller.cookie)
    .expect(200, { status: 'ready', onboardingUrl: null });
  return seller;
}

/** A catalog event in payments' replica, as event.created brings it. */
async function aCatalogEvent(startsAt: Date) {
  const id = randomUUID();
  await bed.publish(Subjects.EventCreated, {
    id,
    version: 0,
    organizerId: randomUUID(),
    name: 'Concert',
    venue: 'Hall',
    city: 'Lyon',
    startsAt: startsAt.toISOString(),
  });
  await waitFor(async () => (await bed.db.select().from(events).where(eq(events.id, id))).length === 1);
  return id;
}

const soldAt = (payoutId: string, at: Date) =>
  bed.db.update(payouts).set({ soldAt: at }).where(eq(payouts.id, payoutId));

const payoutById = async (id: string) => (await bed.db.select().from(payouts).where(eq(payouts.id, id)))[0]!;

describe('payouts recorded when an order completes', () => {
  it('when order.completed arrives for a sale, then a held payout of the price less the seller fee is recorded once, with "sold" in the order history', async () => {
    const sellerId = randomUUID();
    const eventId = randomUUID();

    const { order, ticketId, payout } = await bed.aSale({ sellerId, eventId, priceCents: 4500 });

    expect(payout).toMatchObject({
      orderId: order.id,
      sellerId,
      ticketId,
      eventId,
      priceCents: 4500,
      sellerFeeCents: 225,
      amountCents: 4275,
      currency: 'usd',
      status: 'held',
      attempts: 0,
      transferId: null,
      version: 0,
    });
    expect(Date.now() - payout.soldAt.getTime()).toBeLessThan(60_000);
    const published = await bed.publish(Subjects.OrderCompleted, {
      id: order.id,
      version: order.version + 1,
      ticket: { id: ticketId },
    });
    await bed.publishAgain(published);
    await bed.settled(Subjects.OrderCompleted);
    expect(await bed.db.select().from(payouts).where(eq(payouts.orderId, order.id))).toHaveLength(1);
    const history = await bed.historyOf(order.id);
    expect(history.map((entry) => [entry.kind, entry.detail])).toEqual([
      ['sold', { payoutId: payout.id, sellerId, price: 4500, sellerFee: 225, payout: 4275, currency: 'usd' }],
    ]);
  });

  it('when the order was paid through payments, then the payout names that payment', async () => {
    const seller = randomUUID();
    const buyer = aUser();
    const order = await bed.anOrder({ userId: buyer.id, sellerId: seller, priceCents: 1000 });
    await request(bed.app())
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' })
      .expect(201);
    const [payment] = await bed.paymentsOf(order.id);

    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: randomUUID() } });

    await waitFor(async () => (await bed.payoutOf(order.id)) !== undefined);
    expect(await bed.payoutOf(order.id)).toMatchObject({ paymentId: payment!.id, amountCents: 950 });
  });

  it('when order.completed arrives for an order that did not carry its seller, then no payout is recorded', async () => {
    const order = await bed.anOrder({ sellerId: null });

    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: randomUUID() } });

    await bed.settled(Subjects.OrderCompleted);
    expect((await bed.order(order.id))?.status).toBe('complete');
    expect(await bed.payoutOf(order.id)).toBeUndefined();
  });
});

describe('the catalog and admissions replicas', () => {
  it('when event.updated arrives before event.created, then it waits for it and the replica ends at the latest start', async () => {
    const id = randomUUID();
    const base = { id, organizerId: randomUUID(), name: 'Match', venue: 'Stadium', city: 'Nantes' };
    const later = new Date(Date.now() + 48 * HOUR).toISOString();

    await bed.publish(Subjects.EventUpdated, { ...base, version: 1, startsAt: later });
    await bed.publish(Subjects.EventCreated, { ...base, version: 0, startsAt: new Date().toISOString() });
    const created = await bed.publish(Subjects.EventCreated, { ...base, version: 0, startsAt: later });

    await waitFor(async () => (await bed.db.select().from(events).where(eq(events.id, id)))[0]?.version === 1);
    await bed.publishAgain(created);
    await bed.settled(Subjects.EventCreated);
    await bed.settled(Subjects.EventUpdated);
    expect((await bed.db.select().from(events).where(eq(events.id, id)))[0]).toEqual({
      id,
      version: 1,
      startsAt: new Date(later),
    });
  });

  it('when an event version is missing for longer than the gap heal, or comes as a resync, then the replica takes the event as it is', async () => {
    const id = randomUUID();
    const data = { id, organizerId: randomUUID(), name: 'Play', venue: 'Theatre', city: 'Lille' };
    const startsAt = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
    await applyCatalogEvent(
      bed.db,
      { ...data, version: 0, startsAt: startsAt(1) },
      { storedAt: new Date(), healMs: 60_000 },
    );

    await expect(
      applyCatalogEvent(
        bed.db,
        { ...data, version: 2, startsAt: startsAt(2) },
        { storedAt: new Date(), healMs: 60_000 },
      ),
    ).rejects.toThrow(`event ${id} is at version 0, waiting before 2`);
    await expect(
      applyCatalogEvent(
        bed.db,
        { ...data, version: 2, startsAt: startsAt(2) },
        { storedAt: hoursAgo(1), healMs: 60_000 },
      ),
    ).resolves.toBe('gap-skipped');
    await expect(
      applyCatalogEvent(
        bed.db,
        { ...data, version: 1, startsAt: startsAt(3) },
        { storedAt: new Date(), healMs: 60_000, resync: true },
      ),
    ).resolves.toBe('applied');
    await expect(
      applyCatalogEvent(
        bed.db,
        { ...data, id: randomUUID(), version: 3, startsAt: startsAt(1) },
        { storedAt: new Date(), healMs: 60_000 },
      ),
    ).rejects.toThrow(/is not known yet \(version 3 arrived first\)/);

    expect((await bed.db.select().from(events).where(eq(events.id, id)))[0]).toMatchObject({ version: 1 });
  });

  it('when pass.admitted arrives with its order, then the order is remembered as admitted; without one, nothing is', async () => {
    const orderId = randomUUID();
    const admission = {
      ticketId: randomUUID(),
      eventId: randomUUID(),
      holderId: randomUUID(),
      generation: 1,
      admittedBy: randomUUID(),
      admittedAt: new Date().toISOString(),
    };

    await bed.publish(Subjects.PassAdmitted, { ...admission, id: randomUUID(), version: 1 });
    await bed.publish(Subjects.PassAdmitted, { ...admission, id: randomUUID(), version: 1, orderId });

    await bed.settled(Subjects.PassAdmitted);
    expect(await bed.db.select().from(admittedOrders)).toEqual([
      { orderId, admittedAt: new Date(admission.admittedAt) },
    ]);
  });
});

describe('the payout scheduler (sandbox gateway)', () => {
  it('when a sale of no event is older than the hold, then it is paid: one transfer, payout.paid, state paid and "payout_paid" in the history', async () => {
    const seller = await aReadySeller();
    const { order, payout } = await bed.aSale({ sellerId: seller.id, priceCents: 2000 });
    const sold = hoursAgo(2);
    await soldAt(payout.id, sold);

    expect(await bed.payoutScheduler({ holdHours: 1 }).runOnce()).toEqual(['paid']);

    const paid = await payoutById(payout.id);
    expect(paid).toMatchObject({ status: 'paid', version: 1, transferId: expect.stringMatching(/^tr_sandbox_/) });
    const transfers = await bed.db.select().from(sandboxTransfers);
    expect(transfers).toMatchObject([
      {
        id: paid.transferId,
        idempotencyKey: `payout-${payout.id}`,
        amount: 1900,
        currency: 'usd',
        transferGroup: `order-${order.id}`,
        metadata: { payoutId: payout.id, orderId: order.id },
      },
    ]);
    const [event] = await bed.published(Subjects.PayoutPaid, order.id);
    expect(event?.data).toEqual({
      id: payout.id,
      version: 1,
      orderId: order.id,
      sellerId: seller.id,
      amount: 1900,
      currency: 'usd',
      transferId: paid.transferId,
      paidAt: paid.paidAt!.toISOString(),
    });
    expect((await bed.historyOf(order.id)).map((entry) => entry.kind)).toEqual(['sold', 'payout_paid']);
    const listed = await request(bed.app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toEqual([
      {
        id: payout.id,
        orderId: order.id,
        ticketId: payout.ticketId,
        price: 20,
        sellerFee: 1,
        amount: 19,
        currency: 'usd',
        state: 'paid',
        dueAt: new Date(sold.getTime() + 48 * HOUR).toISOString(),
        paidAt: paid.paidAt!.toISOString(),
      },
    ]);
    expect(await bed.payoutScheduler({ holdHours: 1 }).runOnce()).toEqual([]);
  });

  it('when the hold runs from the event’s start, then a sale of an event that started long enough ago is due, and one of an event still to come is not, however old the sale', async () => {
    const seller = await aReadySeller();
    const started = await aCatalogEvent(hoursAgo(3));
    const upcoming = await aCatalogEvent(new Date(Date.now() + 24 * HOUR));
    const ofStarted = await bed.aSale({ sellerId: seller.id, eventId: started });
    const ofUpcoming = await bed.aSale({ sellerId: seller.id, eventId: upcoming });
    await soldAt(ofUpcoming.payout.id, hoursAgo(30));

    expect(await bed.payoutScheduler({ holdHours: 2 }).runOnce()).toEqual(['paid']);

    expect((await payoutById(ofStarted.payout.id)).status).toBe('paid');
    expect((await payoutById(ofUpcoming.payout.id)).status).toBe('held');
    const listed = await request(bed.app({ PAYOUT_HOLD_HOURS: 2 }))
      .get('/api/payments/payouts?state=held')
      .set('Cookie', seller.cookie)
      .expect(200);
    const [event] = await bed.db.select().from(events).where(eq(events.id, upcoming));
    expect(listed.body.payouts).toMatchObject([
      { id: ofUpcoming.payout.id, state: 'held', dueAt: new Date(event!.startsAt.getTime() + 2 * HOUR).toISOString() },
    ]);
  });

  it('when a sale is younger than the hold, then it is not due until the hold has passed (fractions of an hour)', async () => {
    const seller = await aReadySeller();
    const { payout } = await bed.aSale({ sellerId: seller.id });
    const holdHours = 1 / 3600; // one second
    const scheduler = bed.payoutScheduler({ holdHours: 0.5 });

    expect(await scheduler.runOnce()).toEqual([]);
    await soldAt(payout.id, new Date(Date.now() - 2_000));
    expect(await bed.payoutScheduler({ holdHours }).runOnce()).toEqual(['paid']);
  });

  it('when the ticket’s event is one payments has not heard of, then its payout is not due and shows no due date', async () => {
    const seller = await aReadySeller();
    const { payout } = await bed.aSale({ sellerId: seller.id, eventId: randomUUID() });
    await soldAt(payout.id, hoursAgo(1_000));

    expect(await bed.payoutScheduler({ holdHours: 0 }).runOnce()).toEqual([]);

    const listed = await request(bed.app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toMatchObject([{ id: payout.id, state: 'held', dueAt: null }]);
  });

  it('when the seller has no payout account, then the payout awaits it and is paid once the account is connected', async () => {
    const seller = aUser();
    const { payout } = await bed.aSale({ sellerId: seller.id, priceCents: 4500 });
    await bed.aSale({ sellerId: seller.id, priceCents: 1000 });
    const app = bed.app();
    const scheduler = bed.payoutScheduler();

    expect(await scheduler.runOnce()).toEqual([]);
    await request(app)
      .get('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'none', awaiting: { sales: 2, amount: 52.25, currency: 'usd' } });
    const listed = await request(app).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts.map((p: { state: string }) => p.state)).toEqual([
      'awaiting_account',
      'awaiting_account',
    ]);
    await request(app)
      .get('/api/payments/payouts?state=awaiting_account&limit=1')
      .set('Cookie', seller.cookie)
      .expect(200)
      .expect((response) => expect(response.body.payouts).toHaveLength(1));

    await request(app)
      .post('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'ready', onboardingUrl: null });
    await request(app)
      .post('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'ready', onboardingUrl: null });

    expect(await bed.db.select().from(sandboxAccounts)).toHaveLength(1);
    await request(app)
      .get('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'ready', awaiting: { sales: 0, amount: 0, currency: 'usd' } });
    expect((await scheduler.runOnce()).sort()).toEqual(['paid', 'paid']);
    expect((await payoutById(payout.id)).status).toBe('paid');
  });

  it('when the gateway refuses the transfer, then it is retried with back-off and parked as failed after PAYOUT_MAX_ATTEMPTS; the gauge counts it and an operator retries it', async () => {
    const seller = aUser();
    // An account the sandbox never created: it refuses transfers to it, as Stripe refuses an unknown destination.
    await bed.db.insert(payoutAccounts).values({ userId: seller.id, accountId: 'acct_sandbox_gone', ready: true });
    const { order, payout } = await bed.aSale({ sellerId: seller.id });
    const scheduler = bed.payoutScheduler({ maxAttempts: 3 });
    const admin = serveAdminCommands(bed.nc, {
      service: 'payments',
      handlers: paymentAdminCommands(bed.deps, { wakePayouts: () => scheduler.wake() }),
      logger: bed.logger,
    });

    expect(await scheduler.runOnce()).toEqual(['retry']);
    expect(await payoutById(payout.id)).toMatchObject({
      status: 'held',
      attempts: 1,
      lastError: "No such destination: 'acct_sandbox_gone'",
    });
    const outcomes: string[] = ['retry'];
    await waitFor(async () => {
      outcomes.push(...(await scheduler.runOnce()));
      return outcomes.includes('parked');
    });

    expect(outcomes).toEqual(['retry', 'retry', 'parked']);
    expect(await payoutById(payout.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await bed.historyOf(order.id)).map((entry) => entry.kind)).toEqual(['sold', 'payout_failed']);
    const metrics = await request(bed.app()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^payments_payouts_failed({service="payments"})? 1$/m);
    const listed = await request(bed.app()).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    expect(listed.body.payouts).toMatchObject([{ id: payout.id, state: 'failed' }]);
    expect(await scheduler.runOnce()).toEqual([]);

    const parked = (await requestAdminCommand(bed.nc, 'payments', 'payouts-list', { status: 'failed' })) as {
      id: string;
    }[];
    expect(parked.map((row) => row.id)).toEqual([payout.id]);
    await expect(requestAdminCommand(bed.nc, 'payments', 'payouts-list', { status: 'lost' })).rejects.toThrow(
      'status must be one of held, paid, cancelled, reversed, failed',
    );
    await expect(requestAdminCommand(bed.nc, 'payments', 'payouts-retry', { id: 'nope' })).rejects.toThrow(
      'id must be the uuid of a payout',
    );
    // The cause is fixed (the seller's account is repaired), then the operator retries.
    const account = await new SandboxGateway({ db: bed.db }).createAccount({
      userId: seller.id,
      idempotencyKey: `account-${seller.id}`,
    });
    await bed.db.update(payoutAccounts).set({ accountId: account.id }).where(eq(payoutAccounts.userId, seller.id));
    await expect(requestAdminCommand(bed.nc, 'payments', 'payouts-retry', { id: payout.id })).resolves.toEqual({
      id: payout.id,
      status: 'held',
    });
    expect(await scheduler.runOnce()).toEqual(['paid']);
    const [transfer] = await bed.db.select().from(sandboxTransfers);
    expect(transfer?.idempotencyKey).toBe(`payout-${payout.id}-retry-1`);
    await expect(requestAdminCommand(bed.nc, 'payments', 'payouts-retry', { id: payout.id })).rejects.toThrow(
      /is not parked/,
    );
    expect((await bed.historyOf(order.id)).map((entry) => entry.kind)).toEqual([
      'sold',
      'payout_failed',
      'payout_retried',
      'payout_paid',
    ]);
    await admin.stop();
  });

  it('when the gateway cannot be reached, then the payout is retried later without counting as a refusal', async () => {
    const seller = await aReadySeller();
    const { payout } = await bed.aSale({ sellerId: seller.id });
    const down: PaymentGateway = Object.create(bed.gateway, {
      transfer: { value: async () => Promise.reject(new GatewayUnavailableError('Stripe is down', 'unreachable')) },
    });

    expect(await bed.payoutScheduler({ gateway: down, maxAttempts: 1 }).runOnce()).toEqual(['retry']);

    expect(await payoutById(payout.id)).toMatchObject({ status: 'held', attempts: 0, lastError: 'Stripe is down' });
  });

  it('when the transfer is made but its answer is lost before the commit, then the next sweep reuses the key and the seller is paid once', async () => {
    const seller = await aReadySeller();
    const { payout } = await bed.aSale({ sellerId: seller.id });
    const answerLost: PaymentGateway = Object.create(bed.gateway, {
      transfer: {
        value: async (transfer: Parameters<PaymentGateway['transfer']>[0]) => {
          await bed.gateway.transfer(transfer);
          throw new GatewayUnavailableError('The payment gateway did not answer in time', 'timeout');
        },
      },
    });

    expect(await bed.payoutScheduler({ gateway: answerLost }).runOnce()).toEqual(['retry']);
    expect((await payoutById(payout.id)).status).toBe('held');
    await waitFor(async () => (await bed.payoutScheduler().runOnce()).includes('paid'));

    const transfers = await bed.db.select().from(sandboxTransfers);
    expect(transfers).toHaveLength(1);
    expect(await payoutById(payout.id)).toMatchObject({ status: 'paid', transferId: transfers[0]!.id });
  });

  it('when the scheduler dies between the transfer and the commit, then another takes the payout after its lease and pays it once', async () => {
    const seller = await aReadySeller();
    const { order } = await bed.aSale({ sellerId: seller.id });
    const dies: PaymentGateway = Object.create(bed.gateway, {
      transfer: {
        value: async (transfer: Parameters<PaymentGateway['transfer']>[0]) => {
          await bed.gateway.transfer(transfer);
          return new Promise(() => {}); // the process is gone: nothing after the transfer ever runs
        },
      },
    });
    const dead = bed.payoutScheduler({ gateway: dies, leaseMs: 2_000 });
    void dead.runOnce();
    await waitFor(async () => (await bed.db.select().from(sandboxTransfers)).length === 1);
    const other = bed.payoutScheduler({ leaseMs: 2_000 });

    expect(await other.runOnce()).toEqual([]); // leased by the dead one
    await waitFor(async () => (await other.runOnce()).includes('paid'));

    expect(await bed.db.select().from(sandboxTransfers)).toHaveLength(1);
    expect(await bed.published(Subjects.PayoutPaid, order.id)).toHaveLength(1);
  });

  it('when two schedulers sweep at once, then each due payout is transferred exactly once', async () => {
    const seller = await aReadySeller();
    const sales = await Promise.all(Array.from({ length: 8 }, () => bed.aSale({ sellerId: seller.id })));
    const calls: string[] = [];
    const counting: PaymentGateway = Object.create(bed.gateway, {
      transfer: {
        value: async (transfer: Parameters<PaymentGateway['transfer']>[0]) => {
          calls.push(transfer.idempotencyKey);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return bed.gateway.transfer(transfer);
        },
      },
    });
    const [first, second] = [bed.payoutScheduler({ gateway: counting }), bed.payoutScheduler({ gateway: counting })];

    const [a, b] = await Promise.all([first.runOnce(), second.runOnce()]);

    expect([...a, ...b]).toEqual(Array(8).fill('paid'));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(calls.sort()).toEqual(sales.map(({ payout }) => `payout-${payout.id}`).sort());
    expect(await bed.db.select().from(sandboxTransfers)).toHaveLength(8);
    expect(await bed.published(Subjects.PayoutPaid)).toHaveLength(8);
  });
});

describe('the payout scheduler running by itself', () => {
  it('when it is started, then it sweeps every interval and pays what becomes due; woken, it sweeps at once; stopped, it stops', async () => {
    const seller = await aReadySeller();
    const scheduler = bed.payoutScheduler({ intervalMs: 100 });
    scheduler.start();
    try {
      const { payout } = await bed.aSale({ sellerId: seller.id });
      await waitFor(async () => (await payoutById(payout.id)).status === 'paid');
      scheduler.wake();
    } finally {
      await scheduler.stop();
    }
    const { payout } = await bed.aSale({ sellerId: seller.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await payoutById(payout.id)).status).toBe('held');
  });
});

describe('the payout endpoints refuse bad input', () => {
  it('when a request is signed out, then each endpoint answers 401 NOT_AUTHORIZED', async () => {
    const app = bed.app();
    for (const call of [
      request(app).get('/api/payments/payout-account'),
      request(app).post('/api/payments/payout-account'),
      request(app).get('/api/payments/payouts'),
    ]) {
      const response = await call.expect(401);
      expect(response.body.errors[0].code).toBe('NOT_AUTHORIZED');
    }
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['state=lost', 'state'],
    ['colour=blue', 'colour'],
  ])(
    'when payouts are asked with %s, then 400 VALIDATION_FAILED names %s and nothing changes',
    async (query, field) => {
      const seller = aUser();

      const response = await request(bed.app()).get(`/api/payments/payouts?${query}`).set('Cookie', seller.cookie);

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field })]);
    },
  );

  it('when onboarding is started with a body that is not JSON, then 400 MALFORMED_JSON and no account', async () => {
    const seller = aUser();

    const response = await request(bed.app())
      .post('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .set('Content-Type', 'application/json')
      .send('{"oops"');

    expect(response.status).toBe(400);
    expect(response.body.errors[0].code).toBe('MALFORMED_JSON');
    expect(await bed.db.select().from(payoutAccounts)).toEqual([]);
  });
});
