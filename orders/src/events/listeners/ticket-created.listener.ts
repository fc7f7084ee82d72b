import { Listener, type ListenerDeps, type MessageContext, Subjects, type TicketCreatedData } from '@ticketing/common';
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

  protected async onMessage(
    data: TicketCreatedData,
    { event }: MessageContext<typeof Subjects.TicketCreated>,
  ): Promise<void> {
    const outcome = await recordTicketCreated(this.orders.db, data, this.orders.currency, { resync: event.resync });
    this.logger.debug(
      { ticketId: data.id, outcome },
      outcome === 'duplicate' ? 'ticket already known; duplicate ignored' : 'ticket stored',
    );
  }
}
