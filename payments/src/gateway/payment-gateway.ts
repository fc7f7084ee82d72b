/** What the payments service asks of a payment processor: the real Stripe, or the offline sandbox. */
export interface PaymentGateway {
  /** `stripe` or `sandbox`: shown in logs and the start-up line. */
  readonly name: string;
  /**
   * Charges `amount` cents once per `idempotencyKey`: a repeated call with the same key and the
   * same parameters returns the first call's result and charges nothing more.
   *
   * @throws {@link GatewayDeclinedError} the card was declined (nothing charged)
   * @throws {@link GatewayRejectedError} the request can never succeed, e.g. an unknown token
   * @throws {@link GatewayIdempotencyError} the key was used before with other parameters
   * @throws {@link GatewayUnavailableError} the gateway could not be reached or timed out
   * @throws {@link GatewayFailedError} the gateway answered with an error of its own
   */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Refunds a charge in full, once per `idempotencyKey`; throws the same errors as `charge`. */
  refund(request: RefundRequest): Promise<RefundResult>;
  /**
   * What the gateway knows of a charge: by its PaymentIntent id when the answer was recorded,
   * otherwise by the payment id the charge carried in its metadata (a charge whose answer was
   * lost to a time-out or a crash). Undefined when no such PaymentIntent exists.
   *
   * @throws {@link GatewayUnavailableError} or {@link GatewayFailedError} when the gateway cannot say
   */
  retrieve(request: RetrieveRequest): Promise<PaymentIntentState | undefined>;
  /**
   * Creates a seller's connected account (Stripe Connect Express), once per `idempotencyKey`
   * (`account-<userId>`); the sandbox's is ready at once, Stripe's after onboarding.
   */
  createAccount(request: CreateAccountRequest): Promise<ConnectedAccountState>;
  /** A fresh onboarding link (Stripe's hosted onboarding) for a connected account. */
  createAccountLink(request: AccountLinkRequest): Promise<AccountLink>;
  /** Whether a connected account can receive transfers now. */
  retrieveAccount(accountId: string): Promise<ConnectedAccountState>;
  /**
   * Moves `amount` from the platform's balance to a connected account, once per `idempotencyKey`
   * (`payout-<payoutId>`): a repeated call returns the first transfer. Refusals (the destination
   * cannot receive transfers, the balance is too low) throw {@link GatewayRejectedError}.
   */
  transfer(request: TransferRequest): Promise<TransferResult>;
  /** Takes a transfer back in full, once per `idempotencyKey` (`payout-<payoutId>-reversal`). */
  reverseTransfer(request: ReverseTransferRequest): Promise<TransferResult>;
  /** Releases what the gateway holds (timers, deliveries in flight), at shutdown. */
  close?(): Promise<void>;
}

export interface ChargeRequest {
  /** In the currency's smallest unit (cents). */
  amount: number;
  /** ISO code, lower case (`usd`). */
  currency: string;
  /** A Stripe token (`tok_…`) or PaymentMethod id (`pm_…`). */
  token: string;
  idempotencyKey: string;
  /**
   * `order-<orderId>`: links the charge to the transfer that later pays the seller (Stripe's
   * separate charges and transfers).
   */
  transferGroup?: string;
  /** `paymentId` lets {@link PaymentGateway.retrieve} find a charge whose answer was lost. */
  metadata: { orderId: string; userId: string; paymentId: string };
}

export interface ChargeResult {
  /** The PaymentIntent id (`pi_…`). */
  id: string;
  /** The PaymentIntent's status: `succeeded`, `processing`, `requires_action`, … */
  status: string;
  /** The gateway's explanation when the status is not `succeeded`. */
  message?: string;
}

export interface RetrieveRequest {
  paymentIntentId?: string;
  paymentId: string;
}

/** A PaymentIntent as the gateway reports it now. */
export interface PaymentIntentState {
  id: string;
  /** `succeeded`, `processing`, `requires_payment_method` (declined), `requires_action`, `canceled`, … */
  status: string;
  amount: number;
  /** The last error's message, when the charge did not go through. */
  message?: string;
}

export interface RefundRequest {
  paymentIntentId: string;
  idempotencyKey: string;
}

export interface RefundResult {
  /** The Refund id (`re_…`). */
  id: string;
  status: string;
}

export interface CreateAccountRequest {
  userId: string;
  /** Prefills Stripe's onboarding. */
  email?: string;
  idempotencyKey: string;
}

/** A connected account as the gateway reports it. */
export interface ConnectedAccountState {
  /** `acct_…` (the sandbox's `acct_sandbox_…`). */
  id: string;
  /** Transfers can be made to it (Stripe: the `transfers` capability is active and payouts are enabled). */
  ready: boolean;
}

export interface AccountLinkRequest {
  accountId: string;
  /** Where Stripe sends the seller when the link expired or was used: the web app asks for a new one. */
  refreshUrl: string;
  /** Where Stripe sends the seller after onboarding. */
  returnUrl: string;
}

export interface AccountLink {
  url: string;
}

export interface TransferRequest {
  /** In the currency's smallest unit. */
  amount: number;
  currency: string;
  /** The connected account (`acct_…`). */
  destination: string;
  /** `order-<orderId>`, as on the charge. */
  transferGroup: string;
  idempotencyKey: string;
  metadata: { payoutId: string; orderId: string };
}

export interface ReverseTransferRequest {
  transferId: string;
  idempotencyKey: string;
}

/** A transfer (`tr_…`) or a transfer reversal (`trr_…`). */
export interface TransferResult {
  id: string;
}

/** Base of the errors a gateway throws; the use cases map each kind to an HTTP answer. */
export abstract class GatewayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The card was declined: a definitive "no", nothing was charged. */
export class GatewayDeclinedError extends GatewayError {
  constructor(
    message: string,
    readonly code: string,
    readonly declineCode?: string,
    /** The PaymentIntent the declined attempt created, when the gateway says. */
    readonly paymentIntentId?: string,
  ) {
    super(message);
  }
}

/** The request is invalid and will never succeed as it is (unknown token, bad amount, …). */
export class GatewayRejectedError extends GatewayError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The idempotency key was already used with other parameters (another card after a lost answer). */
export class GatewayIdempotencyError extends GatewayError {}

/** The gateway could not be reached, timed out, is rate limiting us, or the circuit is open. */
export class GatewayUnavailableError extends GatewayError {
  constructor(
    message: string,
    readonly reason: 'unreachable' | 'timeout' | 'rate-limited' | 'circuit-open' = 'unreachable',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The gateway answered with an error of its own (5xx, authentication, permission, …). */
export class GatewayFailedError extends GatewayError {}

/** Errors that say something about the request, not about the gateway's health: they never trip the breaker. */
export function isClientSideGatewayError(error: unknown): boolean {
  return (
    error instanceof GatewayDeclinedError ||
    error instanceof GatewayRejectedError ||
    error instanceof GatewayIdempotencyError
  );
}
