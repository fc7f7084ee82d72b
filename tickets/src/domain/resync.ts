import { enqueueEvent } from '@ticketing/common';
import { eventsAfter } from '../db/events.repository';
import { ticketsAfter } from '../db/tickets.repository';
import { eventUpdatedEvent } from '../events/event-events';
import { ticketUpdatedEvent } from '../events/ticket-events';
import type { TicketStore } from './ticket-store';

const PAGE = 500;

/**
 * `npm run events -- resync tickets`: republishes every entity tickets owns — each catalog
 * event's current state as a resync event.updated, then each ticket's as a resync ticket.updated
 * (through the outbox, a page per transaction) — which replicas apply whatever version they hold:
 * how they converge after tickets' database was restored from a backup. Resolves with how many
 * entities were republished.
 */
export async function resyncTickets(store: TicketStore, correlationId: string): Promise<number> {
  let count = await resyncCatalogEvents(store, correlationId);
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

async function resyncCatalogEvents(store: TicketStore, correlationId: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await eventsAfter(store.db, after, PAGE);
    if (page.length === 0) return count;
    await store.relay.transaction(async (tx) => {
      for (const event of page) await enqueueEvent(tx, { ...eventUpdatedEvent(event, correlationId), resync: true });
    });
    count += page.length;
    after = page.at(-1)?.id;
  }
}
