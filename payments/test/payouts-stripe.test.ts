import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { type StripeStandIn, startStripeStandIn, waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { payoutAccounts, payouts } from '../src/db/schema';
import { retryPayout } from '../src/domain/payouts';
import {
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
  type PaymentGateway,
} from '../src/gateway/payment-gateway';
import { aUser, createPaymentsTestBed, type PaymentsTestBed, signedStripeEvent, standInGateway } from './harness';

const deliver = (event: ReturnType<typeof signedStripeEvent>) =>
  request(bed.app())
    .post('/api/payments/webhook')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', event.signature)
    .send(event.payload);

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

const onboard = (cookie: string[]) => request(bed.app()).post('/api/payments/payout-account').set('Cookie', cookie);
const accountOf = async (userId: string) =>
  (await bed.db.select().from(payoutAccounts).where(eq(payoutAccounts.userId, userId)))[0];

/** A seller whose Connect account finished onboarding at the stand-in. */
async function aReadySeller() {
  const seller = aUser();
  await onboard(seller.cookie).expect(200);
  standIn.completeOnboarding((await accountOf(seller.id))!.accountId);
  await request(bed.app())
    .get('/api/payments/payout-account')
    .set('Cookie', seller.cookie)
    .expect(200)
    .expect((response) => expect(response.body.status).toBe('ready'));
  return seller;
}

describe('payout accounts through Stripe Connect (the stand-in)', () => {
  it('when a seller starts onboarding, then one Express account is created and each call answers a fresh onboarding link back to /payouts; the account is ready only once Stripe says so', async () => {
    const seller = aUser();

    const first = await onboard(seller.cookie).expect(200);
    const second = await onboard(seller.cookie).expect(200);

    expect(first.body).toEqual({
      status: 'onboarding',
      onboardingUrl: expect.stringMatching(/^https:\/\/connect\.stripe\.com\/setup\/e\/acct_/),
    });
    expect(second.body.onboardingUrl).not.toBe(first.body.onboardingUrl);
    const accounts = standIn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/accounts');
    expect(accounts).toMatchObject([
      {
        idempotencyKey: `account-${seller.id}`,
        body: {
          type: 'express',
          email: expect.stringContaining('@'),
          capabilities: { transfers: { requested: 'true' } },
          metadata: { userId: seller.id },
        },
      },
    ]);
    const links = standIn.requests.filter((r) => r.path === '/v1/account_links');
    const account = await accountOf(seller.id);
    expect(links[0]?.body).toEqual({
      account: account!.accountId,
      type: 'account_onboarding',
      return_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/payouts$/),
      refresh_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/payouts\?onboarding=refresh$/),
    });
    expect(account?.ready).toBe(false);
    await request(bed.app())
      .get('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'onboarding', awaiting: { sales: 0, amount: 0, currency: 'usd' } });

    standIn.completeOnboarding(account!.accountId);

    await request(bed.app())
      .get('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'ready', awaiting: { sales: 0, amount: 0, currency: 'usd' } });
    await onboard(seller.cookie).expect(200, { status: 'ready', onboardingUrl: null });
    expect((await accountOf(seller.id))?.ready).toBe(true);
  });

  it('when Stripe cannot be reached while the seller reads their account, then the last known status is answered', async () => {
    const seller = aUser();
    await onboard(seller.cookie).expect(200);
    standIn.failNext(10);

    await request(bed.app())
      .get('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .expect(200, { status: 'onboarding', awaiting: { sales: 0, amount: 0, currency: 'usd' } });
  });

  it('when Stripe reports with account.updated that a seller finished onboarding, then their sale is paid without their coming back; a redelivery changes nothing, and an account that loses its transfers capability waits again', async () => {
    const seller = aUser();
    await onboard(seller.cookie).expect(200);
    const { accountId } = (await accountOf(seller.id))!;
    await bed.aSale({ sellerId: seller.id, priceCents: 4500 });
    expect(await bed.payoutScheduler().runOnce()).not.toContain('paid');

    const finished = signedStripeEvent('account.updated', {
      id: accountId,
      object: 'account',
      payouts_enabled: true,
      capabilities: { transfers: 'active' },
    });
    standIn.completeOnboarding(accountId); // what Stripe itself now says of the account
    await deliver(finished).expect(200, { received: true });
    await deliver(finished).expect(200, { received: true });

    expect((await accountOf(seller.id))?.ready).toBe(true);
    expect(await bed.stripeEventIds()).toEqual([finished.id]);
    expect(await bed.payoutScheduler().runOnce()).toEqual(['paid']);

    const restricted = signedStripeEvent('account.updated', {
      id: accountId,
      object: 'account',
      payouts_enabled: false,
      capabilities: { transfers: 'inactive' },
    });
    await deliver(restricted).expect(200, { received: true });
    expect((await accountOf(seller.id))?.ready).toBe(false);
    // Another platform's account, or one deleted since: acknowledged, nothing changes.
    await deliver(signedStripeEvent('account.updated', { id: 'acct_not_ours', object: 'account' })).expect(200);
  });

  it('when Stripe fails to create the account, then 502 GATEWAY_ERROR and no account is stored', async () => {
    const seller = aUser();
    standIn.failNext(10);

    const response = await onboard(seller.cookie).expect(502);

    expect(response.body.errors[0].code).toBe('GATEWAY_ERROR');
    expect(await accountOf(seller.id)).toBeUndefined();
  });
});

describe('the Connect calls of the Stripe gateway (against the stand-in)', () => {
  const gateway = () => standInGateway(standIn.url, { maxNetworkRetries: 0 });

  it('when a transfer is made twice with one key, then Stripe moves the money once; with other parameters it is an idempotency error', async () => {
    const account = await gateway().createAccount({ userId: randomUUID(), idempotencyKey: `account-${randomUUID()}` });
    standIn.completeOnboarding(account.id);
    const transfer = {
      amount: 950,
      currency: 'usd',
      destination: account.id,
      transferGroup: 'order-1',
      idempotencyKey: 'payout-1',
      metadata: { payoutId: '1', orderId: '1' },
    };

    const first = await gateway().transfer(transfer);
    const again = await gateway().transfer(transfer);

    expect(again.id).toBe(first.id);
    expect(standIn.transfers()).toMatchObject([
      { id: first.id, amount: 950, destination: account.id, transferGroup: 'order-1' },
    ]);
    await expect(gateway().transfer({ ...transfer, amount: 951 })).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });

  it('when the destination is unknown or has not finished onboarding, then the transfer is refused as Stripe refuses it', async () => {
    const account = await gateway().createAccount({ userId: randomUUID(), idempotencyKey: `account-${randomUUID()}` });
    const transfer = {
      amount: 100,
      currency: 'usd',
      transferGroup: 'order-2',
      metadata: { payoutId: '2', orderId: '2' },
    };

    await expect(
      gateway().transfer({ ...transfer, destination: account.id, idempotencyKey: 'payout-2' }),
    ).rejects.toMatchObject({ constructor: GatewayRejectedError, code: 'insufficient_capabilities_for_transfer' });
    await expect(
      gateway().transfer({ ...transfer, destination: 'acct_unknown', idempotencyKey: 'payout-3' }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(gateway().retrieveAccount('acct_unknown')).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(
      gateway().createAccountLink({ accountId: 'acct_unknown', refreshUrl: 'http://x/r', returnUrl: 'http://x/p' }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
    expect(standIn.transfers()).toEqual([]);
  });

  it('when a transfer is reversed, then the reversal is replayed for its key and a second reversal is refused', async () => {
    const account = await gateway().createAccount({ userId: randomUUID(), idempotencyKey: `account-${randomUUID()}` });
    standIn.completeOnboarding(account.id);
    const { id } = await gateway().transfer({
      amount: 100,
      currency: 'usd',
      destination: account.id,
      transferGroup: 'order-4',
      idempotencyKey: 'payout-4',
      metadata: { payoutId: '4', orderId: '4' },
    });

    const reversal = await gateway().reverseTransfer({ transferId: id, idempotencyKey: 'payout-4-reversal' });
    const replayed = await gateway().reverseTransfer({ transferId: id, idempotencyKey: 'payout-4-reversal' });

    expect(reversal.id).toMatch(/^trr_/);
    expect(replayed.id).toBe(reversal.id);
    await expect(gateway().reverseTransfer({ transferId: id, idempotencyKey: 'another' })).rejects.toMatchObject({
      code: 'transfer_already_reversed',
    });
    await expect(
      gateway().reverseTransfer({ transferId: 'tr_unknown', idempotencyKey: 'unknown-reversal' }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
    expect(standIn.transfers()[0]?.reversals).toEqual([reversal.id]);
  });
});

describe('the payout scheduler through Stripe (the stand-in)', () => {
  it('when a payout is due, then one transfer to the seller’s account is made with the key payout-<id>, the order’s transfer group and its metadata, and payout.paid is published', async () => {
    const seller = await aReadySeller();
    const { order, payout } = await bed.aSale({ sellerId: seller.id, priceCents: 4500 });

    expect(await bed.payoutScheduler().runOnce()).toEqual(['paid']);

    const account = await accountOf(seller.id);
    expect(standIn.transferRequests()).toEqual([
      expect.objectContaining({
        idempotencyKey: `payout-${payout.id}`,
        body: {
          amount: '4275',
          currency: 'usd',
          destination: account!.accountId,
          transfer_group: `order-${order.id}`,
          metadata: { payoutId: payout.id, orderId: order.id },
        },
      }),
    ]);
    const [transfer] = standIn.transfers();
    const [event] = await bed.published(Subjects.PayoutPaid, order.id);
    expect(event?.data).toMatchObject({ id: payout.id, amount: 4275, transferId: transfer!.id });
    expect((await bed.payoutOf(order.id))?.transferId).toBe(transfer!.id);
  });

  it('when Stripe refuses every transfer, then each retry reuses the key until the payout is parked, and after the operator’s retry it is paid once with a key of its own', async () => {
    const seller = await aReadySeller();
    const { payout } = await bed.aSale({ sellerId: seller.id });
    standIn.refuseTransfers();
    const scheduler = bed.payoutScheduler({ maxAttempts: 2 });

    await waitFor(async () => (await scheduler.runOnce()).includes('parked'));

    expect(standIn.transferRequests().map((r) => r.idempotencyKey)).toEqual([
      `payout-${payout.id}`,
      `payout-${payout.id}`,
    ]);
    expect(await bed.payoutOf(payout.orderId)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'You have insufficient available funds in your Stripe account.',
    });
    standIn.reset();
    await retryPayout(bed.deps, payout.id);
    expect(await scheduler.runOnce()).toEqual(['paid']);
    expect(standIn.transfers()).toHaveLength(1);
    expect(standIn.transferRequests().at(-1)?.idempotencyKey).toBe(`payout-${payout.id}-retry-1`);
  });

  it('when the transfer is made but its answer is lost, then the next sweep replays it: one transfer at Stripe, one payout.paid', async () => {
    const seller = await aReadySeller();
    const { order, payout } = await bed.aSale({ sellerId: seller.id });
    const answerLost: PaymentGateway = Object.create(bed.gateway, {
      transfer: {
        value: async (transfer: Parameters<PaymentGateway['transfer']>[0]) => {
          await bed.gateway.transfer(transfer);
          throw new GatewayUnavailableError('Stripe did not answer in time', 'timeout');
        },
      },
    });

    expect(await bed.payoutScheduler({ gateway: answerLost }).runOnce()).toEqual(['retry']);
    await waitFor(async () => (await bed.payoutScheduler().runOnce()).includes('paid'));

    expect(standIn.transferRequests()).toHaveLength(2);
    expect(standIn.transfers()).toHaveLength(1);
    expect((await bed.payoutOf(order.id))?.transferId).toBe(standIn.transfers()[0]!.id);
    expect(await bed.published(Subjects.PayoutPaid, order.id)).toHaveLength(1);
    expect((await bed.db.select().from(payouts).where(eq(payouts.id, payout.id)))[0]?.version).toBe(1);
  });

  it('when two schedulers sweep at once, then Stripe receives one transfer per payout', async () => {
    const seller = await aReadySeller();
    const sales = await Promise.all(Array.from({ length: 6 }, () => bed.aSale({ sellerId: seller.id })));

    const outcomes = await Promise.all([bed.payoutScheduler().runOnce(), bed.payoutScheduler().runOnce()]);

    expect(outcomes.flat()).toEqual(Array(6).fill('paid'));
    expect(
      standIn
        .transferRequests()
        .map((r) => r.idempotencyKey)
        .sort(),
    ).toEqual(sales.map(({ payout }) => `payout-${payout.id}`).sort());
    expect(standIn.transfers()).toHaveLength(6);
  });
});
