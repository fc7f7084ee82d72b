import { Listener, type PassAdmittedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.admitted: the passes replica takes the pass's next version (`admitted` at the door). */
export class PassAdmittedListener extends Listener<typeof Subjects.PassAdmitted> {
  readonly subject = Subjects.PassAdmitted;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(data: PassAdmittedData): Promise<void> {
    const { replica } = await applyPassChange(this.store, {
      ...passVersionOf(data),
      status: 'admitted',
      listingId: null,
    });
    this.logger.debug({ passId: data.id, version: data.version, replica }, 'pass replica');
  }
}
