import { type BatchItem, Listener, type MessageContext, type PassAdmittedData, Subjects } from '@ticketing/common';
import { updatePassesToVersion } from '../../db/passes.repository';
import { applyPassChange, passVersionOf } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { DEFAULT_GAP_HEAL_MS, logReplica, SERVICE, type TicketListenerDeps } from './listener-deps';

const admittedChange = (data: PassAdmittedData) => ({
  ...passVersionOf(data),
  status: 'admitted' as const,
  listingId: null,
});

/**
 * pass.admitted: the passes replica takes the pass's next version (`admitted` at the door). The
 * admissions waiting together are applied by one statement (applyBatch); one that is not its
 * pass's next version (a duplicate, an early one) then goes the versioned way alone.
 */
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
    const { replica } = await applyPassChange(this.store, admittedChange(data), { storedAt, healMs: this.healMs });
    logReplica(this.logger, { passId: data.id, version: data.version }, replica);
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.PassAdmitted>[]): Promise<void> {
    const applied = await updatePassesToVersion(
      this.store.db,
      items.map((item) => admittedChange(item.data)),
    );
    this.logger.debug({ admissions: items.length, applied: applied.size }, 'passes admitted');
    await this.handleEachAlone(items.filter(({ data }) => !applied.has(`${data.id}@${data.version}`)));
  }
}
