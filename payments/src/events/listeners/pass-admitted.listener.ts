import { type BatchItem, Listener, type PassAdmittedData, Subjects } from '@ticketing/common';
import { recordAdmission, recordAdmissions } from '../../domain/catalog-replica';
import { declineClaimOfAdmittedOrder, declineClaimsOfAdmittedOrders } from '../../domain/claims';
import type { PaymentsDeps } from '../../domain/deps';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/**
 * pass.admitted: remembers the orders whose pass was admitted at the door; a claim on one is
 * declined (now or when it is opened). The admissions waiting together are recorded by one
 * statement, and one more finds the claims open on their orders (applyBatch).
 */
export class PassAdmittedListener extends Listener<typeof Subjects.PassAdmitted> {
  readonly subject = Subjects.PassAdmitted;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(data: PassAdmittedData): Promise<void> {
    const recorded = await recordAdmission(this.payments.db, data);
    // The ticket worked: a claim open on its order is declined.
    const declined = data.orderId
      ? await declineClaimOfAdmittedOrder(this.payments, data.orderId, new Date(data.admittedAt))
      : undefined;
    this.logger.debug(
      { passId: data.id, orderId: data.orderId, recorded, claimDeclined: declined?.id },
      'pass admitted',
    );
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.PassAdmitted>[]): Promise<void> {
    const { admissions, recorded } = await recordAdmissions(
      this.payments.db,
      items.map((item) => item.data),
    );
    // Looked for once the admissions committed, as for one admission.
    const declined = await declineClaimsOfAdmittedOrders(this.payments, admissions);
    this.logger.debug(
      { admissions: items.length, recorded, claimsDeclined: declined.map((claim) => claim.id) },
      'passes admitted',
    );
  }
}
