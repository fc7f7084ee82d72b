import { Listener, type ListenerDeps, Subjects, type TicketUpdatedData } from '@ticketing/common';
import type { OrdersDeps } from '../../domain/deps';
import { applyTicketUpdated } from '../../domain/tickets';

/** Applies updates in version order: early ones are retried (RetryLaterError), duplicates acked. */
export class TicketUpdatedListener extends Listener<typeof Subjects.TicketUpdated> {
  readonly subject = Subjects.TicketUpdated;

  constructor(
    deps: ListenerDeps,
    private readonly orders: OrdersDeps,
  ) {
    super(deps);
  }

  protected async onMessage(data: TicketUpdatedData): Promise<void> {
    if (!(await applyTicketUpdated(this.orders.db, data, this.orders.currency))) {
      this.logger.debug(
        { ticketId: data.id, version: data.version },
        'ticket version already applied; duplicate ignored',
      );
    }
  }
}
