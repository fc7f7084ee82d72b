import { Listener, type ListenerDeps, Subjects, type TicketCreatedData } from '@ticketing/common';
import type { OrdersDeps } from '../../domain/deps';
import { recordTicketCreated } from '../../domain/tickets';

export class TicketCreatedListener extends Listener<typeof Subjects.TicketCreated> {
  readonly subject = Subjects.TicketCreated;

  constructor(
    deps: ListenerDeps,
    private readonly orders: OrdersDeps,
  ) {
    super(deps);
  }

  protected async onMessage(data: TicketCreatedData): Promise<void> {
    if (!(await recordTicketCreated(this.orders.db, data, this.orders.currency))) {
      this.logger.debug({ ticketId: data.id }, 'ticket already known; duplicate ignored');
    }
  }
}
