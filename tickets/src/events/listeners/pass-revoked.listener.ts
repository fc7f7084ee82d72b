import { Listener, type PassRevokedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.revoked: the passes replica takes the pass's next version (`revoked`: never resold again). */
export class PassRevokedListener extends Listener<typeof Subjects.PassRevoked> {
  readonly subject = Subjects.PassRevoked;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(data: PassRevokedData): Promise<void> {
    const { replica } = await applyPassChange(this.store, {
      ...passVersionOf(data),
      status: 'revoked',
      listingId: null,
    });
    this.logger.debug({ passId: data.id, version: data.version, replica }, 'pass replica');
  }
}
