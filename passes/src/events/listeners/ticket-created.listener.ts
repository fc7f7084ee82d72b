import { Listener, type MessageContext, Subjects, type TicketCreatedData } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PassesDeps } from '../../domain/deps';
import { applyTicketVersion } from '../../domain/resale-lock';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/**
 * ticket.created: the tickets replica keeps each ticket's catalog event, in version order; a version
 * of a resale listing also locks or unlocks the pass it resells (secure swap).
 */
export class TicketCreatedListener extends Listener<typeof Subjects.TicketCreated> {
  readonly subject = Subjects.TicketCreated;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: TicketCreatedData,
    { event, storedAt }: MessageContext<typeof Subjects.TicketCreated>,
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
}
