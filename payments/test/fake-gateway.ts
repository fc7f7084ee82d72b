import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
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

  charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    return this.onCharge(request, `pi_fake_${this.charges.length}_${Date.now()}`);
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    this.refunds.push(request);
    return this.onRefund(request);
  }
}
