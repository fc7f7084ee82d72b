import Stripe from 'stripe';
import {
  type AccountLink,
  type AccountLinkRequest,
  type ChargeRequest,
  type ChargeResult,
  type ConnectedAccountState,
  type CreateAccountRequest,
  GatewayDeclinedError,
  GatewayFailedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
  type PaymentGateway,
  type PaymentIntentState,
  type RefundRequest,
  type RefundResult,
  type RetrieveRequest,
  type ReverseTransferRequest,
  type TransferRequest,
  type TransferResult,
} from './payment-gateway';

export interface StripeGatewayOptions {
  apiKey: string;
  /** Another address for the API (a local stand-in, a proxy); only scheme, host and port are used. */
  apiUrl?: string;
  /** Time-out of one HTTP request (each retry has its own). */
  timeoutMs: number;
  /**
   * Retries of a request that failed on the network or with a 409/5xx, with the same
   * Idempotency-Key (default 2), so a retry never charges twice.
   */
  maxNetworkRetries?: number;
}

/** Where the SDK sends its requests: Stripe's `host`/`port`/`protocol` options from a URL. */
export function stripeHostOptions(apiUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port) || (protocol === 'http' ? 80 : 443), protocol };
}

/** The real Stripe, through the official SDK: PaymentIntents confirmed at once, refunds. */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  readonly #stripe: Stripe;

  constructor({ apiKey, apiUrl, timeoutMs, maxNetworkRetries = 2 }: StripeGatewayOptions) {
    this.#stripe = new Stripe(apiKey, {
      timeout: timeoutMs,
      maxNetworkRetries,
      telemetry: false,
      appInfo: { name: 'ticketing-payments' },
      ...stripeHostOptions(apiUrl),
    });
  }

  async charge({
    amount,
    currency,
    token,
    idempotencyKey,
    transferGroup,
    metadata,
  }: ChargeRequest): Promise<ChargeResult> {
    // A PaymentMethod id is used as it is; a card token becomes the PaymentMethod through
    // payment_method_data, which is how PaymentIntents take Stripe's test tokens.
    const method: Pick<Stripe.PaymentIntentCreateParams, 'payment_method' | 'payment_method_data'> = token.startsWith(
      'pm_',
    )
      ? { payment_method: token }
      : {
          payment_method_data: { type: 'card', card: { token } } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
        };
    try {
      // allowed_payment_method_types: API 2026-09-30.endive (pinned by SDK v23) refuses the
      // older payment_method_types with a 400 payment_method_types_no_longer_supported.
      const intent = await this.#stripe.paymentIntents.create(
        {
          amount,
          currency,
          confirm: true,
          allowed_payment_method_types: ['card'],
          metadata,
          ...(transferGroup ? { transfer_group: transferGroup } : {}),
          ...method,
        },
        { idempotencyKey },
      );
      return { id: intent.id, status: intent.status, message: intent.last_payment_error?.message ?? undefined };
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async refund({ paymentIntentId, idempotencyKey }: RefundRequest): Promise<RefundResult> {
    try {
      const refund = await this.#stripe.refunds.create({ payment_intent: paymentIntentId }, { idempotencyKey });
      return { id: refund.id, status: refund.status ?? 'pending' };
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async retrieve({ paymentIntentId, paymentId }: RetrieveRequest): Promise<PaymentIntentState | undefined> {
    try {
      if (paymentIntentId) return intentState(await this.#stripe.paymentIntents.retrieve(paymentIntentId));
      // A charge whose answer was lost has no known id: find it by the payment id it carries.
      // (Stripe's search lags writes by up to a minute; the reconciler asks only about older charges.)
      const found = await this.#stripe.paymentIntents.search({
        query: `metadata['paymentId']:'${paymentId}'`,
        limit: 1,
      });
      const [intent] = found.data;
      return intent ? intentState(intent) : undefined;
    } catch (error) {
      const translated = translateStripeError(error);
      if (translated instanceof GatewayRejectedError && translated.code === 'resource_missing') return undefined;
      throw translated;
    }
  }

  /** An Express account: Stripe hosts its onboarding and its dashboard; the platform pays it by transfers. */
  async createAccount({ userId, email, idempotencyKey }: CreateAccountRequest): Promise<ConnectedAccountState> {
    try {
      const account = await this.#stripe.accounts.create(
        {
          type: 'express',
          ...(email ? { email } : {}),
          capabilities: { transfers: { requested: true } },
          metadata: { userId },
        },
        { idempotencyKey },
      );
      return accountState(account);
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async createAccountLink({ accountId, refreshUrl, returnUrl }: AccountLinkRequest): Promise<AccountLink> {
    try {
      const link = await this.#stripe.accountLinks.create({
        account: accountId,
        refresh_url: refreshUrl,
        return_url: returnUrl,
        type: 'account_onboarding',
      });
      return { url: link.url };
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async retrieveAccount(accountId: string): Promise<ConnectedAccountState> {
    try {
      return accountState(await this.#stripe.accounts.retrieve(accountId));
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async transfer({
    amount,
    currency,
    destination,
    transferGroup,
    idempotencyKey,
    metadata,
  }: TransferRequest): Promise<TransferResult> {
    try {
      const transfer = await this.#stripe.transfers.create(
        { amount, currency, destination, transfer_group: transferGroup, metadata },
        { idempotencyKey },
      );
      return { id: transfer.id };
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  async reverseTransfer({ transferId, idempotencyKey }: ReverseTransferRequest): Promise<TransferResult> {
    try {
      const reversal = await this.#stripe.transfers.createReversal(transferId, {}, { idempotencyKey });
      return { id: reversal.id };
    } catch (error) {
      throw translateStripeError(error);
    }
  }
}

/** Ready when Stripe lets the platform transfer to it and the seller can be paid out from it. */
function accountState(account: Stripe.Account): ConnectedAccountState {
  return { id: account.id, ready: account.capabilities?.transfers === 'active' && account.payouts_enabled === true };
}

function intentState(intent: Stripe.PaymentIntent): PaymentIntentState {
  return {
    id: intent.id,
    status: intent.status,
    amount: intent.amount,
    ...(intent.last_payment_error?.message ? { message: intent.last_payment_error.message } : {}),
  };
}

/**
 * Stripe's own message, which the buyer reads (a decline's reason). Since stripe-node 23.2 an
 * error's `message` starts with the request id (`[req_…] Your card was declined.`); the id stays
 * on the error (`requestId`) for the logs.
 */
const stripeMessage = (error: InstanceType<typeof Stripe.errors.StripeError>): string =>
  error.message.replace(/^\[req_[A-Za-z0-9]+\]\s*/, '');

/** Turns the SDK's errors into the gateway's own, so the use cases never see Stripe types. */
export function translateStripeError(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new GatewayFailedError(`Stripe request failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const message = stripeMessage(error);
  switch (error.type) {
    case 'StripeCardError':
      return new GatewayDeclinedError(
        message,
        error.code ?? 'card_declined',
        error.decline_code,
        error.payment_intent?.id,
      );
    case 'StripeInvalidRequestError':
      return new GatewayRejectedError(message, error.code);
    case 'StripeIdempotencyError':
      return new GatewayIdempotencyError(message);
    case 'StripeConnectionError': {
      const timedOut = /timeout/i.test(error.message) || (error.detail as { code?: unknown })?.code === 'ETIMEDOUT';
      return new GatewayUnavailableError(message, timedOut ? 'timeout' : 'unreachable', { cause: error });
    }
    case 'StripeRateLimitError':
      return new GatewayUnavailableError(message, 'rate-limited', { cause: error });
    default:
      return new GatewayFailedError(`Stripe answered ${error.statusCode ?? 'an error'}: ${message}`, {
        cause: error,
      });
  }
}
