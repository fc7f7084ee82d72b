import { Listener, type PassUnlistedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.unlisted: the passes replica takes the pass's next version (`valid` again, no listing). */
export class PassUnlistedListener extends Listener<typeof Subjects.PassUnlisted> {
  readonly subject = Subjects.PassUnlisted;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(data: PassUnlistedData): Promise<void> {
    const { replica } = await applyPassChange(this.store, { ...passVersionOf(data), status: 'valid', listingId: null });
    this.logger.debug({ passId: data.id, version: data.version, replica }, 'pass replica');
  }
}
