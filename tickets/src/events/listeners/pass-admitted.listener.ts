import { Listener, type MessageContext, type PassAdmittedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { DEFAULT_GAP_HEAL_MS, logReplica, SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.admitted: the passes replica takes the pass's next version (`admitted` at the door). */
export class PassAdmittedListener extends Listener<typeof Subjects.PassAdmitted> {
  readonly subject = Subjects.PassAdmitted;
  private readonly store: TicketStore;
  private readonly healMs: number;

  constructor({ store, gapHealMs = DEFAULT_GAP_HEAL_MS, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
    this.healMs = gapHealMs;
  }

  protected async onMessage(
    data: PassAdmittedData,
    { storedAt }: MessageContext<typeof Subjects.PassAdmitted>,
  ): Promise<void> {
    const { replica } = await applyPassChange(
      this.store,
      {
        ...passVersionOf(data),
        status: 'admitted',
        listingId: null,
      },
      { storedAt, healMs: this.healMs },
    );
    logReplica(this.logger, { passId: data.id, version: data.version }, replica);
  }
}
