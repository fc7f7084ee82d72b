import { type EventCreatedData, Listener, type MessageContext, Subjects } from '@ticketing/common';
import { applyCatalogEvent } from '../../domain/catalog-replica';
import { DEFAULT_GAP_HEAL_MS, type PaymentsDeps } from '../../domain/deps';
import { type PaymentListenerDeps, SERVICE } from './listener-deps';

/** event.created: the catalog replica keeps when each event starts (its sellers are paid after it), in version order. */
export class EventCreatedListener extends Listener<typeof Subjects.EventCreated> {
  readonly subject = Subjects.EventCreated;
  private readonly payments: PaymentsDeps;

  constructor({ payments, ...deps }: PaymentListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.payments = payments;
  }

  protected async onMessage(
    data: EventCreatedData,
    { event, storedAt }: MessageContext<typeof Subjects.EventCreated>,
  ): Promise<void> {
    const outcome = await applyCatalogEvent(this.payments.db, data, {
      storedAt,
      resync: event.resync,
      healMs: this.payments.gapHealMs ?? DEFAULT_GAP_HEAL_MS,
    });
    this.logger.debug({ eventId: data.id, version: data.version, outcome }, 'catalog event replica');
  }
}
