import { randomBytes } from 'node:crypto';
import {
  type ChargeRequest,
  type ChargeResult,
  GatewayDeclinedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  type PaymentGateway,
  type RefundRequest,
  type RefundResult,
} from './payment-gateway';
import { AUTHENTICATION_REQUIRED_TOKENS, DECLINING_TOKENS, SUCCEEDING_TOKENS } from './sandbox-tokens';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

interface Remembered {
  fingerprint: string;
  outcome: Outcome<unknown>;
}

/**
 * An in-process stand-in for Stripe used when no STRIPE_KEY is configured: no network, no money.
 * It follows Stripe's test tokens (see sandbox-tokens.ts) and Stripe's idempotency: a repeated
 * key with the same parameters returns the first outcome (decline included); with other
 * parameters it is an idempotency error. Its ids look like `pi_sandbox_…` and `re_sandbox_…`.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  readonly #remembered = new Map<string, Remembered>();
  readonly #charges = new Map<string, { amount: number; refundId?: string }>();

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    return this.#once(`charge:${request.idempotencyKey}`, request, () => this.#charge(request));
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    return this.#once(`refund:${request.idempotencyKey}`, request, () => this.#refund(request));
  }

  #charge({ amount, token }: ChargeRequest): ChargeResult {
    const decline = DECLINING_TOKENS.get(token);
    const id = sandboxId('pi');
    if (decline) throw new GatewayDeclinedError(decline.message, decline.code, decline.declineCode, id);
    if (AUTHENTICATION_REQUIRED_TOKENS.has(token)) {
      return { id, status: 'requires_action', message: 'This card requires authentication (3D Secure).' };
    }
    if (!SUCCEEDING_TOKENS.has(token)) {
      throw new GatewayRejectedError(`No such token: '${token}'`, 'resource_missing');
    }
    this.#charges.set(id, { amount });
    return { id, status: 'succeeded' };
  }

  #refund({ paymentIntentId }: RefundRequest): RefundResult {
    let charge = this.#charges.get(paymentIntentId);
    if (!charge && paymentIntentId.startsWith('pi_sandbox_')) {
      // Charged by an earlier process of this service: the sandbox keeps its charges in memory only,
      // so a restart between a charge and its refund would otherwise refuse the refund forever.
      charge = { amount: 0 };
      this.#charges.set(paymentIntentId, charge);
    }
    if (!charge) throw new GatewayRejectedError(`No such payment_intent: '${paymentIntentId}'`, 'resource_missing');
    if (charge.refundId) {
      throw new GatewayRejectedError(
        `Charge for ${paymentIntentId} has already been refunded.`,
        'charge_already_refunded',
      );
    }
    charge.refundId = sandboxId('re');
    return { id: charge.refundId, status: 'succeeded' };
  }

  #once<T>(key: string, request: object, run: () => T): Promise<T> {
    const fingerprint = canonicalJson(request);
    const previous = this.#remembered.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return Promise.reject(
          new GatewayIdempotencyError(
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          ),
        );
      }
      return settle(previous.outcome as Outcome<T>);
    }
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: run() };
    } catch (error) {
      outcome = { ok: false, error: error as Error };
    }
    this.#remembered.set(key, { fingerprint, outcome });
    return settle(outcome);
  }
}

function settle<T>(outcome: Outcome<T>): Promise<T> {
  return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
}

/** JSON with sorted keys at every level, so equal parameters give equal fingerprints. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sandboxId(prefix: string): string {
  return `${prefix}_sandbox_${randomBytes(12).toString('hex')}`;
}
