import { Listener, type MessageContext, Subjects, type TicketUpdatedData } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PassesDeps } from '../../domain/deps';
import { applyTicket } from '../../domain/replicas';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/** ticket.updated: the tickets replica keeps each ticket's catalog event, in version order. */
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
    const outcome = await applyTicket(this.passes.db, data, {
      storedAt,
      resync: event.resync,
      healMs: this.passes.gapHealMs ?? DEFAULT_GAP_HEAL_MS,
    });
    this.logger.debug({ ticketId: data.id, version: data.version, outcome }, 'ticket replica');
  }
}
