import { randomBytes } from 'node:crypto';
import type { Database } from '@ticketing/common';
import {
  findSandboxAccount,
  findSandboxIntent,
  findSandboxIntentByKey,
  findSandboxIntentOfPayment,
  findSandboxRefundByKey,
  findSandboxReversalByKey,
  findSandboxTransfer,
  findSandboxTransferByKey,
  markSandboxIntentRefunded,
  markSandboxTransferReversed,
  storeSandboxAccount,
  storeSandboxIntent,
  storeSandboxTransfer,
} from '../db/sandbox.repository';
import type { SandboxPaymentIntentRow, SandboxTransferRow } from '../db/schema';
import {
  type AccountLink,
  type AccountLinkRequest,
  type ChargeRequest,
  type ChargeResult,
  type ConnectedAccountState,
  type CreateAccountRequest,
  GatewayDeclinedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  type PaymentGateway,
  type PaymentIntentState,
  type RefundRequest,
  type RefundResult,
  type RetrieveRequest,
  type ReverseTransferRequest,
  type TransferRequest,
  type TransferResult,
} from './payment-gateway';
import { AUTHENTICATION_REQUIRED_TOKENS, DECLINING_TOKENS, SUCCEEDING_TOKENS } from './sandbox-tokens';
import type { SandboxWebhooks } from './sandbox-webhooks';

const IDEMPOTENCY_MISMATCH =
  'Keys for idempotent requests can only be used with the same parameters they were first used with.';

/**
 * The offline stand-in for Stripe, used when payments runs without STRIPE_KEY: no network, no
 * money. It follows Stripe's test tokens (see sandbox-tokens.ts) and Stripe's idempotency — a
 * repeated key with the same parameters replays the first outcome (a decline included), with
 * other parameters it is an idempotency error — and, like Stripe, it remembers every PaymentIntent
 * (in the service's database, table `sandbox_payment_intents`), so a charge is still known after
 * a restart and can be retrieved and refunded. Given {@link SandboxWebhooks}, it also sends the
 * signed events Stripe would. Its ids look like `pi_sandbox_…` and `re_sandbox_…`.
 *
 * Connect, offline: a seller's account (`acct_sandbox_…`, table `sandbox_accounts`) is ready at
 * once; transfers (`tr_sandbox_…`) and their reversals (`trr_sandbox_…`) are recorded in
 * `sandbox_transfers`, once per idempotency key like Stripe's. A transfer to an account the sandbox
 * did not create is refused, as Stripe refuses an unknown destination.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  readonly #db: Database;
  readonly #webhooks: SandboxWebhooks | undefined;

  constructor({ db, webhooks }: { db: Database; webhooks?: SandboxWebhooks }) {
    this.#db = db;
    this.#webhooks = webhooks;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const fingerprint = canonicalJson(request);
    const previous = await findSandboxIntentByKey(this.#db, request.idempotencyKey);
    if (previous) return replayCharge(previous, fingerprint);
    const stored = await storeSandboxIntent(this.#db, { ...decideCharge(request), fingerprint });
    // Another request with the same key may have stored first: answer as Stripe would, with its outcome.
    if (stored.fingerprint === fingerprint && stored.status !== 'rejected') this.#announceCharge(stored);
    return replayCharge(stored, fingerprint);
  }

  async refund({ paymentIntentId, idempotencyKey }: RefundRequest): Promise<RefundResult> {
    const replayed = await findSandboxRefundByKey(this.#db, idempotencyKey);
    if (replayed) {
      if (replayed.id !== paymentIntentId) throw new GatewayIdempotencyError(IDEMPOTENCY_MISMATCH);
      return { id: replayed.refundId!, status: 'succeeded' };
    }
    const intent = await findSandboxIntent(this.#db, paymentIntentId);
    if (intent?.status !== 'succeeded') {
      throw new GatewayRejectedError(`No such payment_intent: '${paymentIntentId}'`, 'resource_missing');
    }
    const refunded = await markSandboxIntentRefunded(this.#db, intent.id, {
      refundId: sandboxId('re'),
      idempotencyKey,
    });
    if (!refunded) {
      throw new GatewayRejectedError(
        `Charge for ${paymentIntentId} has already been refunded.`,
        'charge_already_refunded',
      );
    }
    this.#webhooks?.send('charge.refunded', {
      id: `ch_${refunded.id.slice('pi_'.length)}`,
      object: 'charge',
      payment_intent: refunded.id,
      amount: refunded.amount,
      amount_refunded: refunded.amount,
      currency: refunded.currency,
      refunded: true,
      metadata: refunded.metadata,
    });
    return { id: refunded.refundId!, status: 'succeeded' };
  }

  async retrieve({ paymentIntentId, paymentId }: RetrieveRequest): Promise<PaymentIntentState | undefined> {
    const intent = paymentIntentId
      ? await findSandboxIntent(this.#db, paymentIntentId)
      : await findSandboxIntentOfPayment(this.#db, paymentId);
    if (!intent || intent.status === 'rejected') return undefined;
    return {
      id: intent.id,
      status: intent.status,
      amount: intent.amount,
      ...(intent.error ? { message: intent.error.message } : {}),
    };
  }

  async createAccount({ userId, idempotencyKey }: CreateAccountRequest): Promise<ConnectedAccountState> {
    const account = await storeSandboxAccount(this.#db, { id: sandboxId('acct'), idempotencyKey, userId });
    return { id: account.id, ready: true };
  }

  /** There is nothing to fill in offline: the link leads straight back to the web app. */
  async createAccountLink({ accountId, returnUrl }: AccountLinkRequest): Promise<AccountLink> {
    await this.retrieveAccount(accountId);
    return { url: returnUrl };
  }

  async retrieveAccount(accountId: string): Promise<ConnectedAccountState> {
    if (!(await findSandboxAccount(this.#db, accountId))) {
      throw new GatewayRejectedError(`No such account: '${accountId}'`, 'resource_missing');
    }
    return { id: accountId, ready: true };
  }

  async transfer(request: TransferRequest): Promise<TransferResult> {
    const fingerprint = canonicalJson(request);
    const previous = await findSandboxTransferByKey(this.#db, request.idempotencyKey);
    if (previous) return replayTransfer(previous, fingerprint);
    if (!Number.isInteger(request.amount) || request.amount <= 0) {
      throw new GatewayRejectedError('Invalid integer', 'parameter_invalid_integer');
    }
    if (!(await findSandboxAccount(this.#db, request.destination))) {
      throw new GatewayRejectedError(`No such destination: '${request.destination}'`, 'resource_missing');
    }
    const { idempotencyKey, amount, currency, destination, transferGroup, metadata } = request;
    const stored = await storeSandboxTransfer(this.#db, {
      id: sandboxId('tr'),
      idempotencyKey,
      fingerprint,
      amount,
      currency,
      destination,
      transferGroup,
      metadata: { ...metadata },
    });
    return replayTransfer(stored, fingerprint);
  }

  async reverseTransfer({ transferId, idempotencyKey }: ReverseTransferRequest): Promise<TransferResult> {
    const replayed = await findSandboxReversalByKey(this.#db, idempotencyKey);
    if (replayed) {
      if (replayed.id !== transferId) throw new GatewayIdempotencyError(IDEMPOTENCY_MISMATCH);
      return { id: replayed.reversalId! };
    }
    if (!(await findSandboxTransfer(this.#db, transferId))) {
      throw new GatewayRejectedError(`No such transfer: '${transferId}'`, 'resource_missing');
    }
    const reversed = await markSandboxTransferReversed(this.#db, transferId, {
      reversalId: sandboxId('trr'),
      idempotencyKey,
    });
    if (!reversed) {
      throw new GatewayRejectedError(
        `Transfer ${transferId} has already been fully reversed.`,
        'transfer_already_reversed',
      );
    }
    return { id: reversed.reversalId! };
  }

  /** Stops delivering webhook events (shutdown). */
  async close(): Promise<void> {
    await this.#webhooks?.close();
  }

  #announceCharge(intent: SandboxPaymentIntentRow): void {
    const object = {
      id: intent.id,
      object: 'payment_intent',
      amount: intent.amount,
      currency: intent.currency,
      status: intent.status,
      metadata: intent.metadata,
      last_payment_error: intent.error
        ? { message: intent.error.message, code: intent.error.code, decline_code: intent.error.declineCode }
        : null,
    };
    if (intent.status === 'succeeded') this.#webhooks?.send('payment_intent.succeeded', object);
    if (intent.status === 'requires_payment_method') this.#webhooks?.send('payment_intent.payment_failed', object);
  }
}

/** The PaymentIntent Stripe would create for this request (a rejection creates none: `rejected`). */
function decideCharge({ amount, currency, token, idempotencyKey, metadata }: ChargeRequest) {
  const base = { id: sandboxId('pi'), idempotencyKey, amount, currency, metadata: { ...metadata } };
  const decline = DECLINING_TOKENS.get(token);
  if (decline) {
    return {
      ...base,
      status: 'requires_payment_method',
      error: {
        kind: 'declined' as const,
        message: decline.message,
        code: decline.code,
        declineCode: decline.declineCode,
      },
    };
  }
  if (AUTHENTICATION_REQUIRED_TOKENS.has(token)) {
    const message = 'This card requires authentication (3D Secure).';
    return {
      ...base,
      status: 'requires_action',
      error: { kind: 'declined' as const, message, code: 'authentication_required' },
    };
  }
  if (!SUCCEEDING_TOKENS.has(token)) {
    return {
      ...base,
      status: 'rejected',
      error: { kind: 'rejected' as const, message: `No such token: '${token}'`, code: 'resource_missing' },
    };
  }
  return { ...base, status: 'succeeded', error: null };
}

/** The answer to a charge request, the first time and every time its key is used again. */
function replayCharge(intent: SandboxPaymentIntentRow, fingerprint: string): ChargeResult {
  if (intent.fingerprint !== fingerprint) throw new GatewayIdempotencyError(IDEMPOTENCY_MISMATCH);
  const { error } = intent;
  if (intent.status === 'rejected') throw new GatewayRejectedError(error!.message, error!.code);
  if (intent.status === 'requires_payment_method') {
    throw new GatewayDeclinedError(error!.message, error!.code, error!.declineCode, intent.id);
  }
  if (intent.status === 'requires_action') return { id: intent.id, status: intent.status, message: error!.message };
  return { id: intent.id, status: intent.status };
}

function replayTransfer(transfer: SandboxTransferRow, fingerprint: string): TransferResult {
  if (transfer.fingerprint !== fingerprint) throw new GatewayIdempotencyError(IDEMPOTENCY_MISMATCH);
  return { id: transfer.id };
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
