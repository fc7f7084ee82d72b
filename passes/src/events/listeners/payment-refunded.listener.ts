import { Listener, type MessageContext, type PaymentRefundedData, Subjects } from '@ticketing/common';
import type { PassesDeps } from '../../domain/deps';
import { revokePassOfRefundedOrder } from '../../domain/refunded-order';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/** payment.refunded: the refunded buyer's pass is revoked (or will be, as it is issued), once per order. */
export class PaymentRefundedListener extends Listener<typeof Subjects.PaymentRefunded> {
  readonly subject = Subjects.PaymentRefunded;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: PaymentRefundedData,
    { event }: MessageContext<typeof Subjects.PaymentRefunded>,
  ): Promise<void> {
    const result = await revokePassOfRefundedOrder(this.passes, {
      orderId: data.orderId,
      paymentId: data.id,
      refundedAt: new Date(data.refundedAt),
      correlationId: event.correlationId,
    });
    const about = { orderId: data.orderId, paymentId: data.id, outcome: result.outcome };
    if (result.outcome === 'admitted') {
      this.logger.warn({ ...about, passId: result.pass.id }, 'refunded order whose pass was admitted at the door');
    } else if (result.outcome === 'revoked') {
      this.logger.info({ ...about, passId: result.pass.id }, 'pass revoked: its buyer was refunded');
    } else {
      this.logger.debug(about, 'refund applied');
    }
  }
}
