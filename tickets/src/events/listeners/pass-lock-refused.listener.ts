import { Listener, type MessageContext, type PassLockRefusedData, Subjects } from '@ticketing/common';
import { rejectListing } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.lock_refused: the resale listing ends `rejected` with the reason, if it still waits at the version passes saw. */
export class PassLockRefusedListener extends Listener<typeof Subjects.PassLockRefused> {
  readonly subject = Subjects.PassLockRefused;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(
    data: PassLockRefusedData,
    { event }: MessageContext<typeof Subjects.PassLockRefused>,
  ): Promise<void> {
    const result = await rejectListing(this.store, data, event.correlationId);
    const about = { passId: data.passId, listingId: data.listingId, listingVersion: data.listingVersion };
    if (result.outcome === 'changed') this.logger.info({ ...about, reason: data.reason }, 'resale listing rejected');
    else this.logger.info({ ...about, reason: result.reason }, 'lock refusal needs no change');
  }
}
