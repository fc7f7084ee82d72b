import type { Logger } from '@ticketing/common';
import { CircuitBreakerGateway } from '../src/gateway/breaker.gateway';
import { createGateway } from '../src/gateway/create-gateway';
import {
  type ChargeRequest,
  GatewayDeclinedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '../src/gateway/payment-gateway';
import { SandboxGateway } from '../src/gateway/sandbox.gateway';
import { DECLINING_TOKENS, SUCCEEDING_TOKENS } from '../src/gateway/sandbox-tokens';
import { StripeGateway } from '../src/gateway/stripe.gateway';
import { FakeGateway } from './fake-gateway';

const charge = (token: string, idempotencyKey = `order-${token}-attempt-0`): ChargeRequest => ({
  amount: 1000,
  currency: 'usd',
  token,
  idempotencyKey,
  metadata: { orderId: 'o-1', userId: 'u-1' },
});

describe('SandboxGateway', () => {
  it.each([...SUCCEEDING_TOKENS])('when charged with %s, then it succeeds with a pi_sandbox_ id', async (token) => {
    await expect(new SandboxGateway().charge(charge(token))).resolves.toEqual({
      id: expect.stringMatching(/^pi_sandbox_[0-9a-f]{24}$/),
      status: 'succeeded',
    });
  });

  it.each([...DECLINING_TOKENS.keys()])(
    'when charged with %s, then it is declined with Stripe’s message',
    async (token) => {
      const error = await new SandboxGateway().charge(charge(token)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayDeclinedError);
      expect((error as GatewayDeclinedError).message).toBe(DECLINING_TOKENS.get(token)?.message);
    },
  );

  it('when the same key is charged again with the same parameters, then the first result comes back and nothing more is charged', async () => {
    const sandbox = new SandboxGateway();
    const first = await sandbox.charge(charge('tok_visa', 'k1'));
    await expect(sandbox.charge(charge('tok_visa', 'k1'))).resolves.toEqual(first);
    const declined = await sandbox.charge(charge('tok_chargeDeclined', 'k2')).catch((e: unknown) => e);
    await expect(sandbox.charge(charge('tok_chargeDeclined', 'k2'))).rejects.toBe(declined);
  });

  it('when a key is reused with other parameters, then it is an idempotency error', async () => {
    const sandbox = new SandboxGateway();
    await sandbox.charge(charge('tok_visa', 'k1'));
    await expect(sandbox.charge({ ...charge('tok_visa', 'k1'), amount: 999 })).rejects.toBeInstanceOf(
      GatewayIdempotencyError,
    );
    await expect(
      sandbox.charge({ ...charge('tok_visa', 'k1'), metadata: { orderId: 'other', userId: 'u-1' } }),
    ).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });

  it('when the token is unknown, then it is rejected with "No such token"', async () => {
    await expect(new SandboxGateway().charge(charge('tok_nope'))).rejects.toEqual(
      new GatewayRejectedError("No such token: 'tok_nope'", 'resource_missing'),
    );
  });

  it('when a charge is refunded, then it gets a re_sandbox_ id once per key; another key finds it already refunded', async () => {
    const sandbox = new SandboxGateway();
    const { id } = await sandbox.charge(charge('tok_visa'));
    const refund = await sandbox.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' });
    expect(refund).toEqual({ id: expect.stringMatching(/^re_sandbox_/), status: 'succeeded' });
    await expect(sandbox.refund({ paymentIntentId: id, idempotencyKey: 'refund-1' })).resolves.toEqual(refund);
    await expect(sandbox.refund({ paymentIntentId: id, idempotencyKey: 'refund-2' })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    await expect(sandbox.refund({ paymentIntentId: 'pi_unknown', idempotencyKey: 'refund-3' })).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });
});

describe('CircuitBreakerGateway', () => {
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
    breaker.close();
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
    breaker.close();
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

  it('when no STRIPE_KEY is set, then it is the sandbox and start-up says SANDBOX mode', () => {
    const { lines, logger } = capture();
    const gateway = createGateway(
      { STRIPE_KEY: undefined, STRIPE_API_URL: undefined, GATEWAY_TIMEOUT_MS: 1000 },
      logger,
    );
    expect(gateway.name).toBe('sandbox');
    expect(lines.join('')).toMatch(/SANDBOX mode.*no money moves/);
    gateway.close();
  });

  it('when STRIPE_KEY is set, then it is Stripe', () => {
    const { lines, logger } = capture();
    const gateway = createGateway(
      { STRIPE_KEY: 'sk_test_123', STRIPE_API_URL: 'http://127.0.0.1:1', GATEWAY_TIMEOUT_MS: 1000 },
      logger,
      { maxNetworkRetries: 0 },
    );
    expect(gateway.name).toBe('stripe');
    expect(lines.join('')).toContain('payments use Stripe');
    gateway.close();
  });

  it('builds a StripeGateway with the default retries when none are given', () => {
    expect(new StripeGateway({ apiKey: 'sk_test_1', timeoutMs: 1000 }).name).toBe('stripe');
  });
});
