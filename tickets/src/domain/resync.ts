import { enqueueEvent } from '@ticketing/common';
import { ticketsAfter } from '../db/tickets.repository';
import { ticketUpdatedEvent } from '../events/ticket-events';
import type { TicketStore } from './ticket-store';

const PAGE = 500;

/**
 * `npm run events -- resync tickets`: republishes every ticket's current state as a resync
 * ticket.updated (through the outbox, a page per transaction), which replicas apply whatever
 * version they hold — how they converge after tickets' database was restored from a backup.
 * Resolves with how many tickets were republished.
 */
export async function resyncTickets(store: TicketStore, correlationId: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await ticketsAfter(store.db, after, PAGE);
    if (page.length === 0) return count;
    await store.relay.transaction(async (tx) => {
      for (const ticket of page) {
        await enqueueEvent(tx, { ...ticketUpdatedEvent(ticket, store.currency, correlationId), resync: true });
      }
    });
    count += page.length;
    after = page.at(-1)?.id;
  }
}
