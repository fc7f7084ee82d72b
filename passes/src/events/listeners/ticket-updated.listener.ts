import { type BatchItem, Listener, type MessageContext, Subjects, type TicketUpdatedData } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PassesDeps } from '../../domain/deps';
import { applyTicketsAtNextVersion } from '../../domain/replicas';
import { applyTicketVersion } from '../../domain/resale-lock';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/**
 * ticket.updated: the tickets replica keeps each ticket's catalog event, in version order; a version
 * of a resale listing also locks or unlocks the pass it resells (secure swap). Of the events
 * waiting together, the ordinary listings' next versions are applied by one statement
 * (applyBatch); the others (a resale listing, a duplicate, an early version) go alone.
 */
export class TicketUpdatedListener extends Listener<typeof Subjects.TicketUpdated> {
  readonly subject = Subjects.TicketUpdated;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: TicketUpdatedData,
    { event, storedAt }: MessageContext<typeof Subjects.TicketUpdated>,
  ): Promise<void> {
    const { outcome, resale } = await applyTicketVersion(
      this.passes,
      data,
      { storedAt, resync: event.resync, healMs: this.passes.gapHealMs ?? DEFAULT_GAP_HEAL_MS },
      event.correlationId,
    );
    this.logger.debug({ ticketId: data.id, version: data.version, outcome }, 'ticket replica');
    if (resale && resale.step !== 'none') {
      this.logger.info(
        {
          listingId: data.id,
          listingVersion: data.version,
          passId: data.resaleOfPassId,
          step: resale.step,
          ...(resale.step === 'refused' ? { reason: resale.reason } : {}),
        },
        'resale listing of a pass',
      );
    }
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.TicketUpdated>[]): Promise<void> {
    const ordinary = items.filter(({ data }) => !data.resaleOfPassId).map(({ data }) => data);
    const applied = ordinary.length > 0 ? await applyTicketsAtNextVersion(this.passes.db, ordinary) : new Set();
    this.logger.debug({ tickets: items.length, applied: applied.size }, 'ticket replicas');
    await this.handleEachAlone(items.filter(({ data }) => !applied.has(`${data.id}@${data.version}`)));
  }
}
