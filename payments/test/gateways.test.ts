import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createLogger, type Logger } from '@ticketing/common';
import { createTestDatabase, type TestDatabase, waitFor } from '@ticketing/common/testing';
import Stripe from 'stripe';
import { schema } from '../src/db/schema';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { createGateway } from '../src/gateway/create-gateway';
import {
  type ChargeRequest,
  GatewayDeclinedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
  type TransferRequest,
} from '../src/gateway/payment-gateway';
import { SandboxGateway } from '../src/gateway/sandbox.gateway';
import { DECLINING_TOKENS, SUCCEEDING_TOKENS } from '../src/gateway/sandbox-tokens';
import { SandboxWebhooks } from '../src/gateway/sandbox-webhooks';
import { StripeGateway } from '../src/gateway/stripe.gateway';
import { FakeGateway } from './fake-gateway';

const charge = (token: string, idempotencyKey = `order-${token}-attempt-0`): ChargeRequest => ({
  amount: 1000,
  currency: 'usd',
  token,
  idempotencyKey,
  metadata: { orderId: 'o-1', userId: 'u-1', paymentId: 'p-1' },
});

const silent = createLogger('payments', 'silent');
const USER = '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23';
let database: TestDatabase<typeof schema>;
beforeAll(async () => {
  database = await createTestDatabase({ schema, migrationsFolder: path.join(__dirname, '..', 'migrations') });
});
beforeEach(() => database.truncate());
afterAll(() => database?.close());

/** The sandbox keeps its PaymentIntents in the service's database, as Stripe keeps them. */
const sandbox = () => new SandboxGateway({ db: database.db });

describe('SandboxGateway', () => {
  it.each([...SUCCEEDING_TOKENS])('when charged with %s, then it succeeds with a pi_sandbox_ id', async (token) => {
    await expect(sandbox().charge(charge(token))).resolves.toEqual({
      id: expect.stringMatching(/^pi_sandbox_[0-9a-f]{24}$/),
      status: 'succeeded',
    });
  });

  it.each([...DECLINING_TOKENS.keys()])(
    'when charged with %s, then it is declined with Stripe’s message',
    async (token) => {
      const error = await sandbox()
        .charge(charge(token))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayDeclinedError);
      expect((error as GatewayDeclinedError).message).toBe(DECLINING_TOKENS.get(token)?.message);
    },
  );

  it('when the same key is charged again with the same parameters, then the first result comes back and nothing more is charged', async () => {
    const gateway = sandbox();
    const first = await gateway.charge(charge('tok_visa', 'k1'));
    await expect(gateway.charge(charge('tok_visa', 'k1'))).resolves.toEqual(first);
    const declined = await gateway.charge(charge('tok_chargeDeclined', 'k2')).catch((e: unknown) => e);
    // Replayed from storage (as after a restart): an equal decline, not the same object.
    await expect(gateway.charge(charge('tok_chargeDeclined', 'k2'))).rejects.toEqual(declined);
    await expect(sandbox().charge(charge('tok_visa', 'k1'))).resolves.toEqual(first);
  });

  it('when a key is reused with other parameters, then it is an idempotency error', async () => {
    const gateway = sandbox();
    await gateway.charge(charge('tok_visa', 'k1'));
    await expect(gateway.charge({ ...charge('tok_visa', 'k1'), amount: 999 })).rejects.toBeInstanceOf(
      GatewayIdempotencyError,
    );
    await expect(
      gateway.charge({ ...charge('tok_visa', 'k1'), metadata: { orderId: 'other', userId: 'u-1', paymentId: 'p-1' } }),
    ).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });

  it('when the token is unknown, then it is rejected with "No such token", again when the key is reused', async () => {
    const rejected = new GatewayRejectedError("No such token: 'tok_nope'", 'resource_missing');
    await expect(sandbox().charge(charge('tok_nope'))).rejects.toEqual(rejected);
    await expect(sandbox().charge(charge('tok_nope'))).rejects.toEqual(rejected);
  });

  it('when a charge is refunded, then it gets a re_sandbox_ id once per key; another key finds it already refunded', async () => {
    const gateway = sandbox();
    const { id } = await gateway.charge(charge('tok_visa'));
    const refund = await gateway.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' });
    expect(refund).toEqual({ id: expect.stringMatching(/^re_sandbox_/), status: 'succeeded' });
    await expect(gateway.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' })).resolves.toEqual(refund);
    await expect(gateway.refund({ paymentIntentId: id, idempotencyKey: 'refund-2' })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    await expect(gateway.refund({ paymentIntentId: 'pi_unknown', idempotencyKey: 'refund-3' })).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });

  it('when the service restarts, then a charge is still known: retrieved by its id or by the payment it carries, and refundable', async () => {
    const { id } = await sandbox().charge(charge('tok_visa'));
    const declined = (await sandbox()
      .charge({
        ...charge('tok_chargeDeclined', 'k-declined'),
        metadata: { orderId: 'o-2', userId: 'u-1', paymentId: 'p-2' },
      })
      .catch((e: unknown) => e)) as GatewayDeclinedError;

    const restarted = sandbox();
    await expect(restarted.retrieve({ paymentId: 'p-1' })).resolves.toEqual({ id, status: 'succeeded', amount: 1000 });
    await expect(restarted.retrieve({ paymentIntentId: id, paymentId: 'ignored' })).resolves.toMatchObject({ id });
    await expect(restarted.retrieve({ paymentId: 'p-2' })).resolves.toEqual({
      id: declined.paymentIntentId,
      status: 'requires_payment_method',
      amount: 1000,
      message: 'Your card was declined.',
    });
    await expect(restarted.retrieve({ paymentId: 'p-unknown' })).resolves.toBeUndefined();
    await expect(restarted.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' })).resolves.toMatchObject({
      status: 'succeeded',
    });
  });

  it('when it has webhooks, then it sends Stripe-signed payment_intent and charge.refunded events to them', async () => {
    const received: { type: string; object: Record<string, unknown> }[] = [];
    const secret = 'whsec_sandbox_test';
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const event = Stripe.webhooks.constructEvent(
          Buffer.concat(chunks),
          String(req.headers['stripe-signature']),
          secret,
        );
        received.push({ type: event.type, object: event.data.object as unknown as Record<string, unknown> });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const webhooks = new SandboxWebhooks({ url: `http://127.0.0.1:${port}/`, secret, logger: silent, delayMs: 0 });
    const gateway = new SandboxGateway({ db: database.db, webhooks });

    const { id } = await gateway.charge(charge('tok_visa'));
    await gateway.charge({ ...charge('tok_chargeDeclined', 'k-2') }).catch(() => undefined);
    await gateway.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' });

    await waitFor(() => received.length === 3);
    expect(received.map((event) => event.type).sort()).toEqual([
      'charge.refunded',
      'payment_intent.payment_failed',
      'payment_intent.succeeded',
    ]);
    expect(received.find((event) => event.type === 'payment_intent.succeeded')?.object).toMatchObject({
      id,
      status: 'succeeded',
      metadata: { orderId: 'o-1', paymentId: 'p-1' },
    });
    expect(received.find((event) => event.type === 'charge.refunded')?.object).toMatchObject({
      payment_intent: id,
      refunded: true,
    });
    await gateway.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when its webhook fails, then a delivery is retried until it is accepted', async () => {
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls += 1;
      res.statusCode = calls < 3 ? 500 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const webhooks = new SandboxWebhooks({
      url: `http://127.0.0.1:${port}/`,
      secret: 'whsec_x',
      logger: silent,
      delayMs: 0,
      retryDelaysMs: [10, 10, 10],
    });

    webhooks.send('payment_intent.succeeded', { id: 'pi_1' });

    await waitFor(() => calls === 3);
    await webhooks.close();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('SandboxGateway: Connect, offline', () => {
  const transfer = (destination: string, overrides: Partial<TransferRequest> = {}): TransferRequest => ({
    amount: 950,
    currency: 'usd',
    destination,
    transferGroup: 'order-o-1',
    idempotencyKey: 'payout-p-1',
    metadata: { payoutId: 'p-1', orderId: 'o-1' },
    ...overrides,
  });

  it('when an account is created twice with one key, then it is one acct_sandbox_ account, ready at once, whose link leads straight back', async () => {
    const first = await sandbox().createAccount({ userId: USER, idempotencyKey: `account-${USER}` });
    const again = await sandbox().createAccount({ userId: USER, idempotencyKey: `account-${USER}` });

    expect(first).toEqual({ id: expect.stringMatching(/^acct_sandbox_[0-9a-f]{24}$/), ready: true });
    expect(again).toEqual(first);
    await expect(sandbox().retrieveAccount(first.id)).resolves.toEqual(first);
    await expect(
      sandbox().createAccountLink({
        accountId: first.id,
        refreshUrl: 'http://x/payouts?r',
        returnUrl: 'http://x/payouts',
      }),
    ).resolves.toEqual({ url: 'http://x/payouts' });
    await expect(sandbox().retrieveAccount('acct_sandbox_unknown')).rejects.toMatchObject({
      constructor: GatewayRejectedError,
      code: 'resource_missing',
    });
  });

  it('when a transfer is made again with its key, then the first transfer comes back; with other parameters it is an idempotency error', async () => {
    const { id: account } = await sandbox().createAccount({ userId: USER, idempotencyKey: `account-${USER}` });

    const first = await sandbox().transfer(transfer(account));
    const again = await sandbox().transfer(transfer(account));

    expect(first.id).toMatch(/^tr_sandbox_[0-9a-f]{24}$/);
    expect(again).toEqual(first);
    await expect(sandbox().transfer(transfer(account, { amount: 951 }))).rejects.toBeInstanceOf(
      GatewayIdempotencyError,
    );
  });

  it('when a transfer goes to an unknown account or moves no money, then it is refused', async () => {
    await expect(sandbox().transfer(transfer('acct_sandbox_unknown'))).rejects.toMatchObject({
      constructor: GatewayRejectedError,
      message: "No such destination: 'acct_sandbox_unknown'",
    });
    const { id: account } = await sandbox().createAccount({ userId: USER, idempotencyKey: `account-${USER}` });
    await expect(
      sandbox().transfer(transfer(account, { amount: 0, idempotencyKey: 'payout-zero' })),
    ).rejects.toMatchObject({
      code: 'parameter_invalid_integer',
    });
  });

  it('when a transfer is reversed, then its reversal is replayed for its key and a second reversal is refused', async () => {
    const { id: account } = await sandbox().createAccount({ userId: USER, idempotencyKey: `account-${USER}` });
    const { id } = await sandbox().transfer(transfer(account));

    const reversal = await sandbox().reverseTransfer({ transferId: id, idempotencyKey: 'payout-p-1-reversal' });

    expect(reversal.id).toMatch(/^trr_sandbox_/);
    await expect(sandbox().reverseTransfer({ transferId: id, idempotencyKey: 'payout-p-1-reversal' })).resolves.toEqual(
      reversal,
    );
    await expect(
      sandbox().reverseTransfer({ transferId: 'tr_other', idempotencyKey: 'payout-p-1-reversal' }),
    ).rejects.toBeInstanceOf(GatewayIdempotencyError);
    await expect(sandbox().reverseTransfer({ transferId: id, idempotencyKey: 'another' })).rejects.toMatchObject({
      code: 'transfer_already_reversed',
    });
    await expect(
      sandbox().reverseTransfer({ transferId: 'tr_sandbox_unknown', idempotencyKey: 'unknown' }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
  });
});

describe('CircuitBreakerGateway', () => {
  it('when Connect calls go through it, then each reaches the gateway behind it', async () => {
    const fake = new FakeGateway();
    const breaker = new CircuitBreakerGateway(fake);

    await expect(breaker.createAccount({ userId: USER, idempotencyKey: 'account-1' })).resolves.toEqual({
      id: `acct_fake_${USER}`,
      ready: true,
    });
    await expect(breaker.retrieveAccount('acct_1')).resolves.toEqual({ id: 'acct_1', ready: true });
    await expect(
      breaker.createAccountLink({ accountId: 'acct_1', refreshUrl: 'http://x/r', returnUrl: 'http://x/p' }),
    ).resolves.toEqual({ url: 'http://x/p' });
    await expect(
      breaker.transfer({
        amount: 1,
        currency: 'usd',
        destination: 'acct_1',
        transferGroup: 'order-1',
        idempotencyKey: 'payout-1',
        metadata: { payoutId: '1', orderId: '1' },
      }),
    ).resolves.toEqual({ id: 'tr_fake_payout-1' });
    await expect(breaker.reverseTransfer({ transferId: 'tr_1', idempotencyKey: 'r' })).resolves.toEqual({
      id: 'trr_fake_tr_1',
    });
    expect(fake.transfers).toHaveLength(1);
    await breaker.close();
  });

  it('when the inner gateway keeps failing, then it opens, answers "circuit-open" without calling it, and closes after a successful trial', async () => {
    const fake = new FakeGateway();
    fake.onCharge = async () => {
      throw new GatewayUnavailableError('down');
    };
    const breaker = new CircuitBreakerGateway(fake, { volumeThreshold: 2, resetTimeoutMs: 200 });
    await expect(breaker.charge(charge('tok_visa'))).rejects.toMatchObject({ reason: 'unreachable' });
    await expect(breaker.charge(charge('tok_visa'))).rejects.toMatchObject({ reason: 'unreachable' });
    expect(breaker.state).toBe('open');

    await expect(breaker.refund({ paymentIntentId: 'pi_1', idempotencyKey: 'r' })).rejects.toMatchObject({
      reason: 'circuit-open',
    });
    expect(fake.refunds).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(breaker.state).toBe('half-open');
    fake.onCharge = async (_request, id) => ({ id, status: 'succeeded' });
    await expect(breaker.charge(charge('tok_visa'))).resolves.toMatchObject({ status: 'succeeded' });
    expect(breaker.state).toBe('closed');
    await breaker.close();
  });

  it('when the inner gateway declines and rejects, then those do not count as failures', async () => {
    const fake = new FakeGateway();
    fake.onCharge = async () => {
      throw new GatewayDeclinedError('Your card was declined.', 'card_declined');
    };
    const breaker = new CircuitBreakerGateway(fake, { volumeThreshold: 1, errorThresholdPercentage: 1 });
    for (let i = 0; i < 5; i++)
      await expect(breaker.charge(charge('tok_x'))).rejects.toBeInstanceOf(GatewayDeclinedError);
    expect(breaker.state).toBe('closed');
    await breaker.close();
  });
});

describe('createGateway', () => {
  /** A logger that keeps the messages it was given. */
  function capture() {
    const lines: string[] = [];
    const keep = (...args: unknown[]) => {
      lines.push(args.filter((arg) => typeof arg === 'string').join(' '));
    };
    const logger = { info: keep, warn: keep, error: keep, debug: keep } as unknown as Logger;
    return { lines, logger };
  }

  it('when no STRIPE_KEY is set, then it is the sandbox and start-up says SANDBOX mode', async () => {
    const { lines, logger } = capture();
    const gateway = createGateway(
      { NODE_ENV: 'development', STRIPE_KEY: undefined, STRIPE_API_URL: undefined, GATEWAY_TIMEOUT_MS: 1000 },
      { db: database.db, logger },
    );
    expect(gateway.name).toBe('sandbox');
    expect(lines.join('')).toMatch(/SANDBOX mode.*no money moves/);
    await gateway.close();
  });

  it('when STRIPE_KEY is set, then it is Stripe', async () => {
    const { lines, logger } = capture();
    const gateway = createGateway(
      {
        NODE_ENV: 'production',
        STRIPE_KEY: 'sk_test_123',
        STRIPE_API_URL: 'http://127.0.0.1:1',
        GATEWAY_TIMEOUT_MS: 1000,
      },
      { db: database.db, logger, maxNetworkRetries: 0 },
    );
    expect(gateway.name).toBe('stripe');
    expect(lines.join('')).toContain('payments use Stripe');
    await gateway.close();
  });

  it('builds a StripeGateway with the default retries when none are given', () => {
    expect(new StripeGateway({ apiKey: 'sk_test_1', timeoutMs: 1000 }).name).toBe('stripe');
  });
});
