import { Listener, type PassAdmittedData, Subjects } from '@ticketing/common';
import { recordAdmission } from '../../domain/catalog-replica';
import type { PaymentsDeps } from '../../domain/deps';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/** pass.admitted: remembers the orders whose pass was admitted at the door (a claim on one is declined). */
export class PassAdmittedListener extends Listener<typeof Subjects.PassAdmitted> {
  readonly subject = Subjects.PassAdmitted;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(data: PassAdmittedData): Promise<void> {
    const recorded = await recordAdmission(this.payments.db, data);
    this.logger.debug({ passId: data.id, orderId: data.orderId, recorded }, 'pass admitted');
  }
}
