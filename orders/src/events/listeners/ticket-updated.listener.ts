import { Listener, type ListenerDeps, type MessageContext, Subjects, type TicketUpdatedData } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type OrdersDeps } from '../../domain/deps';
import { applyTicketUpdated } from '../../domain/tickets';

/**
 * Applies updates in version order: early ones are retried (RetryLaterError) until the gap has
 * lasted GAP_HEAL_SECONDS, then applied as they are (the event carries the whole ticket);
 * duplicates are acked; resync events are applied whatever the replica holds.
 */
export class TicketUpdatedListener extends Listener<typeof Subjects.TicketUpdated> {
  readonly subject = Subjects.TicketUpdated;

  constructor(
    deps: ListenerDeps,
    private readonly orders: OrdersDeps,
  ) {
    super(deps);
  }

  protected async onMessage(
    data: TicketUpdatedData,
    { event, storedAt }: MessageContext<typeof Subjects.TicketUpdated>,
  ): Promise<void> {
    const outcome = await applyTicketUpdated(this.orders.db, data, this.orders.currency, {
      storedAt,
      resync: event.resync,
      gapHealMs: this.orders.gapHealMs ?? DEFAULT_GAP_HEAL_MS,
    });
    const about = { ticketId: data.id, version: data.version, outcome };
    if (outcome === 'gap-skipped')
      this.logger.warn(about, 'ticket version gap skipped: the replica took the whole ticket');
    else if (outcome === 'duplicate') this.logger.debug(about, 'ticket version already applied; duplicate ignored');
  }
}
