import { Listener, type MessageContext, Subjects, type TicketCreatedData } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PassesDeps } from '../../domain/deps';
import { applyTicket } from '../../domain/replicas';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/** ticket.created: the tickets replica keeps each ticket's catalog event, in version order. */
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
    const outcome = await applyTicket(this.passes.db, data, {
      storedAt,
      resync: event.resync,
      healMs: this.passes.gapHealMs ?? DEFAULT_GAP_HEAL_MS,
    });
    this.logger.debug({ ticketId: data.id, version: data.version, outcome }, 'ticket replica');
  }
}
