import { Listener, type MessageContext, type PassUnlistedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { DEFAULT_GAP_HEAL_MS, logReplica, SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.unlisted: the passes replica takes the pass's next version (`valid` again, no listing). */
export class PassUnlistedListener extends Listener<typeof Subjects.PassUnlisted> {
  readonly subject = Subjects.PassUnlisted;
  private readonly store: TicketStore;
  private readonly healMs: number;

  constructor({ store, gapHealMs = DEFAULT_GAP_HEAL_MS, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
    this.healMs = gapHealMs;
  }

  protected async onMessage(
    data: PassUnlistedData,
    { storedAt }: MessageContext<typeof Subjects.PassUnlisted>,
  ): Promise<void> {
    const { replica } = await applyPassChange(
      this.store,
      { ...passVersionOf(data), status: 'valid', listingId: null },
      { storedAt, healMs: this.healMs },
    );
    logReplica(this.logger, { passId: data.id, version: data.version }, replica);
  }
}
