import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PROCESSING_TOKEN,
  parseForm,
  STAND_IN_API_KEY,
  type StripeStandIn,
  startStripeStandIn,
  stripeSignature,
} from '../stripe-stand-in';
import { waitFor } from '../wait-for';

let stripe: StripeStandIn;

beforeAll(async () => {
  stripe = await startStripeStandIn();
});
afterEach(() => stripe.reset({ clearRequests: true }));
afterAll(() => stripe.close());

/** A request as the Stripe SDK sends it: form-encoded, with the key and an optional idempotency key. */
async function api(
  method: string,
  path: string,
  form?: Record<string, string>,
  options: { key?: string; idempotencyKey?: string } = {},
) {
  const response = await fetch(`${stripe.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.key ?? STAND_IN_API_KEY}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  // biome-ignore lint/suspicious/noExplicitAny: Stripe's JSON, read field by field in the tests
  const body: any = await response.json();
  return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body };
}

const charge = (token: string, extra: Record<string, string> = {}) =>
  api('POST', '/v1/payment_intents', {
    amount: '2050',
    currency: 'usd',
    payment_method: token,
    'metadata[paymentId]': 'pay-1',
    ...extra,
  });

describe('the Stripe stand-in', () => {
  it('when a test card pays, then the PaymentIntent succeeded and can be retrieved and found by its metadata', async () => {
    const paid = await charge('tok_visa');
    expect(paid).toMatchObject({
      status: 200,
      body: { object: 'payment_intent', status: 'succeeded', amount_received: 2050 },
    });
    expect((await api('GET', `/v1/payment_intents/${paid.body.id}`)).body.id).toBe(paid.body.id);
    const found = await api(
      'GET',
      `/v1/payment_intents/search?query=${encodeURIComponent("metadata['paymentId']:'pay-1'")}`,
    );
    expect(found.body.data.map((intent: { id: string }) => intent.id)).toContain(paid.body.id);
    expect((await api('GET', '/v1/payment_intents/search?query=status:succeeded')).status).toBe(400);
    expect((await api('GET', '/v1/payment_intents/pi_unknown')).body.error.code).toBe('resource_missing');
    expect(stripe.chargeRequests()[0]!.body).toMatchObject({ amount: '2050', metadata: { paymentId: 'pay-1' } });
  });

  it('answers declines, processing, unknown tokens, bad amounts, a wrong key and unknown URLs as Stripe does', async () => {
    expect(await charge('tok_chargeDeclinedInsufficientFunds')).toMatchObject({
      status: 402,
      body: {
        error: { type: 'card_error', decline_code: 'insufficient_funds', payment_intent: { id: expect.any(String) } },
      },
    });
    expect((await charge(PROCESSING_TOKEN)).body.status).toBe('processing');
    expect((await charge('tok_nobody_knows')).body.error.message).toBe("No such token: 'tok_nobody_knows'");
    expect((await api('POST', '/v1/payment_intents', { amount: '-1', currency: 'usd' })).status).toBe(400);
    expect((await charge('tok_visa', { 'payment_method_types[0]': 'card' })).body.error.code).toBe(
      'payment_method_types_no_longer_supported',
    );
    expect((await charge('tok_visa').then(() => api('GET', '/v1/charges'))).status).toBe(404);
    expect((await api('GET', '/v1/payment_intents/x', undefined, { key: 'sk_test_wrong' })).status).toBe(401);
  });

  it('replays an idempotent request, and refuses the key with other parameters', async () => {
    const first = await charge('tok_visa', { 'metadata[attempt]': '0' });
    const key = 'order-1-attempt-0';
    const a = await api(
      'POST',
      '/v1/payment_intents',
      { amount: '100', currency: 'usd', payment_method: 'tok_visa' },
      { idempotencyKey: key },
    );
    const b = await api(
      'POST',
      '/v1/payment_intents',
      { amount: '100', currency: 'usd', payment_method: 'tok_visa' },
      { idempotencyKey: key },
    );
    expect(b).toMatchObject({ replayed: 'true', body: { id: a.body.id } });
    const c = await api(
      'POST',
      '/v1/payment_intents',
      { amount: '200', currency: 'usd', payment_method: 'tok_visa' },
      { idempotencyKey: key },
    );
    expect(c.body.error.type).toBe('idempotency_error');
    expect(first.body.id).not.toBe(a.body.id);
  });

  it('refunds a charge once, refuses a second refund, and refuses every refund while disputed', async () => {
    const paid = await charge('tok_visa');
    expect((await api('POST', '/v1/refunds', { payment_intent: paid.body.id })).body).toMatchObject({
      status: 'succeeded',
      amount: 2050,
    });
    expect((await api('POST', '/v1/refunds', { payment_intent: paid.body.id })).body.error.code).toBe(
      'charge_already_refunded',
    );
    expect((await api('POST', '/v1/refunds', { payment_intent: 'pi_none' })).body.error.code).toBe('resource_missing');
    const other = await charge('tok_visa');
    stripe.disputeRefunds();
    expect((await api('POST', '/v1/refunds', { payment_intent: other.body.id })).body.error.code).toBe(
      'charge_disputed',
    );
  });

  it('fails the next requests on demand, hangs until reset, and delays requests or only their answers', async () => {
    stripe.failNext(2, 503);
    expect((await charge('tok_visa')).status).toBe(503);
    expect((await charge('tok_visa')).status).toBe(503);
    expect((await charge('tok_visa')).status).toBe(200);

    stripe.hang();
    const hanging = charge('tok_visa').catch((error: unknown) => error);
    await waitFor(() => stripe.requests.length === 4);
    stripe.reset();
    // Cut off without an answer, as a connection that drops mid-request.
    expect(String(await hanging)).toMatch(/fetch failed|terminated|socket/i);

    stripe.delay(20);
    expect((await charge('tok_visa')).status).toBe(200);
    stripe.reset();
    stripe.slowAnswers(20);
    expect((await charge('tok_visa')).status).toBe(200);
  });

  it('forwards Stripe-signed events to a webhook, retrying until it answers 2xx', async () => {
    const secret = 'whsec_stand_in_test';
    const received: { type: string; signed: boolean }[] = [];
    let refuseFirst = true;
    const webhook: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        if (refuseFirst) {
          refuseFirst = false;
          res.writeHead(500).end();
          return;
        }
        const [t, v1] = String(req.headers['stripe-signature'])
          .split(',')
          .map((part) => part.split('=')[1]);
        const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
        received.push({ type: (JSON.parse(raw) as { type: string }).type, signed: v1 === expected });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    try {
      stripe.forwardEvents(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`, secret, { delayMs: 10 });
      const paid = await charge('tok_visa');
      await charge('tok_chargeDeclined');
      await api('POST', '/v1/refunds', { payment_intent: paid.body.id });
      await waitFor(() => received.length === 3);
      expect(received.map((event) => event.type).sort()).toEqual([
        'charge.refunded',
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
      ]);
      expect(received.every((event) => event.signed)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => webhook.close(() => resolve()));
    }
  });

  it('signs like Stripe and reads nested form bodies like Stripe', () => {
    expect(stripeSignature('{}', 'whsec_x', 1_700_000_000)).toBe(
      `t=1700000000,v1=${createHmac('sha256', 'whsec_x').update('1700000000.{}').digest('hex')}`,
    );
    expect(parseForm('a[b][0]=x&a[b][1]=y&c=z&metadata[orderId]=o-1')).toEqual({
      a: { b: ['x', 'y'] },
      c: 'z',
      metadata: { orderId: 'o-1' },
    });
  });
});

describe('the Stripe stand-in: Connect', () => {
  const anAccount = async () =>
    (await api('POST', '/v1/accounts', { type: 'express', email: 'seller@test.dev', 'metadata[userId]': 'u-1' })).body;
  const transfer = (destination: string, extra: Record<string, string> = {}) =>
    api(
      'POST',
      '/v1/transfers',
      { amount: '950', currency: 'usd', destination, transfer_group: 'order-1', ...extra },
      { idempotencyKey: extra.key ?? `payout-${destination}` },
    );

  it('when an Express account is created, then it cannot receive transfers until onboarding is complete', async () => {
    const account = await anAccount();
    expect(account).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      object: 'account',
      type: 'express',
      email: 'seller@test.dev',
      payouts_enabled: false,
      capabilities: { transfers: 'inactive' },
    });

    expect(await transfer(account.id)).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'insufficient_capabilities_for_transfer' } },
    });
    stripe.completeOnboarding(account.id);

    expect((await api('GET', `/v1/accounts/${account.id}`)).body).toMatchObject({
      payouts_enabled: true,
      details_submitted: true,
      capabilities: { transfers: 'active' },
    });
    const made = await transfer(account.id, { key: 'payout-ready' });
    expect(made).toMatchObject({
      status: 200,
      body: { object: 'transfer', amount: 950, destination: account.id, transfer_group: 'order-1', reversed: false },
    });
    expect(stripe.transfers()).toMatchObject([{ id: made.body.id, amount: 950, destination: account.id }]);
    expect(stripe.transferRequests()).toHaveLength(2);
  });

  it('when an account is not Express or unknown, or an account link lacks a field, then Stripe-shaped errors answer', async () => {
    expect((await api('POST', '/v1/accounts', { type: 'standard' })).status).toBe(400);
    expect((await api('POST', '/v1/accounts', { 'controller[stripe_dashboard][type]': 'express' })).status).toBe(200);
    expect(await api('GET', '/v1/accounts/acct_unknown')).toMatchObject({
      status: 404,
      body: { error: { code: 'resource_missing' } },
    });
    expect(() => stripe.completeOnboarding('acct_unknown')).toThrow('The stand-in has no account acct_unknown');
    const account = await anAccount();
    const link = {
      account: account.id,
      refresh_url: 'http://x/r',
      return_url: 'http://x/p',
      type: 'account_onboarding',
    };
    expect((await api('POST', '/v1/account_links', link)).body).toMatchObject({
      object: 'account_link',
      url: expect.stringMatching(new RegExp(`^https://connect\\.stripe\\.com/setup/e/${account.id}/`)),
    });
    expect((await api('POST', '/v1/account_links', { ...link, account: 'acct_unknown' })).status).toBe(400);
    expect((await api('POST', '/v1/account_links', { ...link, return_url: '' })).body.error.code).toBe(
      'parameter_missing',
    );
    expect((await api('POST', '/v1/account_links', { ...link, type: 'custom' })).body.error.code).toBe(
      'parameter_invalid_string',
    );
  });

  it('when transfers are refused, have no amount or no known destination, then none is made; a reversal is made once', async () => {
    const account = await anAccount();
    stripe.completeOnboarding(account.id);
    expect((await transfer('acct_unknown')).body.error.code).toBe('resource_missing');
    expect((await transfer(account.id, { amount: '0', key: 'zero' })).body.error.code).toBe(
      'parameter_invalid_integer',
    );
    stripe.refuseTransfers();
    expect((await transfer(account.id, { key: 'refused' })).body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'balance_insufficient',
    });
    stripe.reset();
    const made = await transfer(account.id, { key: 'made' });

    const reversal = await api('POST', `/v1/transfers/${made.body.id}/reversals`, {}, { idempotencyKey: 'rev-1' });
    expect(reversal).toMatchObject({ status: 200, body: { object: 'transfer_reversal', transfer: made.body.id } });
    expect(
      (await api('POST', `/v1/transfers/${made.body.id}/reversals`, {}, { idempotencyKey: 'rev-2' })).body.error.code,
    ).toBe('transfer_already_reversed');
    expect((await api('POST', '/v1/transfers/tr_unknown/reversals', {})).status).toBe(404);
    expect(stripe.transfers()).toMatchObject([{ id: made.body.id, reversals: [reversal.body.id] }]);
  });
});
