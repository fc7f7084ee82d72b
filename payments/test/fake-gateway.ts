import type {
  AccountLink,
  AccountLinkRequest,
  ChargeRequest,
  ChargeResult,
  ConnectedAccountState,
  CreateAccountRequest,
  PaymentGateway,
  PaymentIntentState,
  RefundRequest,
  RefundResult,
  RetrieveRequest,
  ReverseTransferRequest,
  TransferRequest,
  TransferResult,
} from '../src/gateway/payment-gateway';

/**
 * A scripted gateway for the use-case tests that need a moment between "charged" and "answered"
 * (races with webhooks and cancellations) or a failure on demand. By default every charge
 * succeeds with a fresh `pi_fake_…` and every refund with `re_fake_…`.
 */
export class FakeGateway implements PaymentGateway {
  readonly name = 'fake';
  readonly charges: ChargeRequest[] = [];
  readonly refunds: RefundRequest[] = [];
  /** Replace to script a charge; `defaultCharge` is the plain success. */
  onCharge: (request: ChargeRequest, id: string) => Promise<ChargeResult> = async (_request, id) => ({
    id,
    status: 'succeeded',
  });
  onRefund: (request: RefundRequest) => Promise<RefundResult> = async () => ({
    id: `re_fake_${this.refunds.length}`,
    status: 'succeeded',
  });

  /** What the gateway knows of a charge; by default, the charges this fake answered with success. */
  onRetrieve: (request: RetrieveRequest) => Promise<PaymentIntentState | undefined> = async ({
    paymentIntentId,
    paymentId,
  }) => {
    const found = this.succeeded.find(
      ({ request, id }) => id === paymentIntentId || (!paymentIntentId && request.metadata.paymentId === paymentId),
    );
    return found ? { id: found.id, status: 'succeeded', amount: found.request.amount } : undefined;
  };
  /** The charges answered `succeeded`, with their PaymentIntent ids. */
  readonly succeeded: { request: ChargeRequest; id: string }[] = [];

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    const result = await this.onCharge(request, `pi_fake_${this.charges.length}_${Date.now()}`);
    if (result.status === 'succeeded') this.succeeded.push({ request, id: result.id });
    return result;
  }

  retrieve(request: RetrieveRequest): Promise<PaymentIntentState | undefined> {
    return this.onRetrieve(request);
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    this.refunds.push(request);
    return this.onRefund(request);
  }

  readonly transfers: TransferRequest[] = [];
  /** Replace to script a transfer; by default each key gets one `tr_fake_…`, replayed like Stripe's. */
  onTransfer: (request: TransferRequest) => Promise<TransferResult> = async (request) => ({
    id: `tr_fake_${request.idempotencyKey}`,
  });

  async createAccount({ userId }: CreateAccountRequest): Promise<ConnectedAccountState> {
    return { id: `acct_fake_${userId}`, ready: true };
  }

  async createAccountLink({ returnUrl }: AccountLinkRequest): Promise<AccountLink> {
    return { url: returnUrl };
  }

  async retrieveAccount(accountId: string): Promise<ConnectedAccountState> {
    return { id: accountId, ready: true };
  }

  transfer(request: TransferRequest): Promise<TransferResult> {
    this.transfers.push(request);
    return this.onTransfer(request);
  }

  async reverseTransfer({ transferId }: ReverseTransferRequest): Promise<TransferResult> {
    return { id: `trr_fake_${transferId}` };
  }
}
