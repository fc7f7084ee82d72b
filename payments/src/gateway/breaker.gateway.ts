import type { Logger } from '@ticketing/common';
import CircuitBreaker from 'opossum';
import {
  type AccountLink,
  type AccountLinkRequest,
  type ChargeRequest,
  type ChargeResult,
  type ConnectedAccountState,
  type CreateAccountRequest,
  GatewayUnavailableError,
  isClientSideGatewayError,
  type PaymentGateway,
  type PaymentIntentState,
  type RefundRequest,
  type RefundResult,
  type RetrieveRequest,
  type ReverseTransferRequest,
  type TransferRequest,
  type TransferResult,
} from './payment-gateway';

export interface BreakerOptions {
  /** Calls in the rolling window before the breaker may open (default 5). */
  volumeThreshold?: number;
  /** Share of failed calls in the window that opens it (default 50 %). */
  errorThresholdPercentage?: number;
  /** How long it stays open before one trial call is let through (default 30 s). */
  resetTimeoutMs?: number;
  /** The rolling window the failures are counted in (default 60 s). */
  rollingWindowMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

type Call = () => Promise<unknown>;

/**
 * A circuit breaker (opossum) in front of a gateway: after repeated gateway failures it answers
 * at once with {@link GatewayUnavailableError} (`circuit-open`) instead of making every buyer wait
 * for a time-out, and lets a trial call through after `resetTimeoutMs`. Declines, invalid
 * requests and idempotency conflicts are answers, not failures: they never open it.
 */
export class CircuitBreakerGateway implements PaymentGateway {
  readonly name: string;
  readonly #inner: PaymentGateway;
  readonly #breaker: CircuitBreaker<[Call], unknown>;

  constructor(inner: PaymentGateway, options: BreakerOptions = {}, logger?: Logger) {
    this.name = inner.name;
    this.#inner = inner;
    const rollingCountTimeout = options.rollingWindowMs ?? 60_000;
    this.#breaker = new CircuitBreaker((call: Call) => call(), {
      name: `payment-gateway-${inner.name}`,
      // No breaker time-out: the gateway bounds each call itself (GATEWAY_TIMEOUT_MS). A breaker
      // time-out would give up on a charge that may still succeed, leaving its outcome unknown.
      timeout: false,
      volumeThreshold: options.volumeThreshold ?? 5,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      resetTimeout: options.resetTimeoutMs ?? 30_000,
      rollingCountTimeout,
      rollingCountBuckets: 10,
      errorFilter: isClientSideGatewayError,
    });
    this.#breaker.on('open', () => logger?.error({ gateway: this.name }, 'payment gateway circuit opened'));
    this.#breaker.on('halfOpen', () => logger?.warn({ gateway: this.name }, 'payment gateway circuit half-open'));
    this.#breaker.on('close', () => logger?.info({ gateway: this.name }, 'payment gateway circuit closed'));
  }

  get state(): BreakerState {
    if (this.#breaker.opened) return 'open';
    return this.#breaker.halfOpen ? 'half-open' : 'closed';
  }

  charge(request: ChargeRequest): Promise<ChargeResult> {
    return this.#fire(() => this.#inner.charge(request));
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return this.#fire(() => this.#inner.refund(request));
  }

  retrieve(request: RetrieveRequest): Promise<PaymentIntentState | undefined> {
    return this.#fire(() => this.#inner.retrieve(request));
  }

  createAccount(request: CreateAccountRequest): Promise<ConnectedAccountState> {
    return this.#fire(() => this.#inner.createAccount(request));
  }

  createAccountLink(request: AccountLinkRequest): Promise<AccountLink> {
    return this.#fire(() => this.#inner.createAccountLink(request));
  }

  retrieveAccount(accountId: string): Promise<ConnectedAccountState> {
    return this.#fire(() => this.#inner.retrieveAccount(accountId));
  }

  transfer(request: TransferRequest): Promise<TransferResult> {
    return this.#fire(() => this.#inner.transfer(request));
  }

  reverseTransfer(request: ReverseTransferRequest): Promise<TransferResult> {
    return this.#fire(() => this.#inner.reverseTransfer(request));
  }

  /** Stops the breaker's timers and closes the gateway behind it (shutdown, tests). */
  async close(): Promise<void> {
    this.#breaker.shutdown();
    await this.#inner.close?.();
  }

  async #fire<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.#breaker.fire(call)) as T;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
        throw new GatewayUnavailableError('The payment gateway circuit is open', 'circuit-open', { cause: error });
      }
      throw error;
    }
  }
}
