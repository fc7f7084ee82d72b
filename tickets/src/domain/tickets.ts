import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  ConflictError,
  type Executor,
  enqueueEvent,
  NotAuthorizedError,
  NotFoundError,
  type TicketPageJson,
} from '@ticketing/common';
import { eventExists } from '../db/events.repository';
import type { TicketRow } from '../db/schema';
import {
  findTicketById,
  insertTicket,
  queryTickets,
  saveTicketVersion,
  type TicketDetails,
} from '../db/tickets.repository';
import { ticketCreatedEvent, ticketUpdatedEvent } from '../events/ticket-events';

import { encodeCursor, type ListPosition } from './cursor';
import { eventNotFound } from './events';
import { assertNotAwaitingLock, assertResaleEdit } from './resale';
import { assertChargeable, type Ticket, toTicket } from './ticket';
import type { TicketStore } from './ticket-store';

/** How often an edit is re-read and retried when the ticket changed between its read and its write. */
export const MAX_EDIT_ATTEMPTS = 5;

export interface TicketInput {
  title: string;
  priceCents: number;
  /** The listing's event, face value and seat: absent keeps them (an edit) or leaves them out (a listing), null clears them. */
  details?: Partial<TicketDetails>;
}

/**
 * A new listing: the ticket and its ticket.created in one transaction. A price below Stripe's
 * minimum charge in the currency could never be paid, so it is refused (400 `PRICE_BELOW_MINIMUM`);
 * an `eventId` must name an event of the catalog (404 `EVENT_NOT_FOUND`: events are never deleted,
 * and the foreign key holds the rest).
 */
export async function createTicket(
  { relay, currency }: TicketStore,
  userId: string,
  input: TicketInput,
  correlationId?: string,
): Promise<Ticket> {
  assertChargeable(input.priceCents, currency);
  const row = await relay.transaction(async (tx) => {
    await assertEventExists(tx, input.details?.eventId);
    const { title, priceCents, details } = input;
    const created = await insertTicket(tx, { id: randomUUID(), userId, title, priceCents, ...details });
    await enqueueEvent(tx, ticketCreatedEvent(created, currency, correlationId));
    return created;
  });
  return toTicket(row, currency);
}

export async function getTicket({ db, currency }: TicketStore, id: string): Promise<Ticket> {
  const row = await findTicketById(db, id);
  if (!row) throw ticketNotFound();
  return toTicket(row, currency);
}

export interface ListTicketsInput {
  /** The seller's own listings (every state) instead of everyone's available tickets. */
  ownerId?: string;
  /** Everyone's available and reserved tickets (`include=reserved`). */
  includeReserved?: boolean;
  search?: string;
  after?: ListPosition;
  limit: number;
}

/** A page of the listing (`TicketPageJson`); `nextCursor` is passed back as `cursor`, null on the last page. */
export type TicketPage = TicketPageJson;

export async function listTickets({ db, currency }: TicketStore, input: ListTicketsInput): Promise<TicketPage> {
  // One row more than asked says whether another page exists without a count query.
  const rows = await queryTickets(db, {
    userId: input.ownerId,
    includeReserved: input.includeReserved,
    search: input.search,
    after: input.after,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    tickets: page.map((row) => toTicket(row, currency)),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}

/**
 * The owner replaces the title and price of an available (or withdrawn) ticket: version + 1 and ticket.updated
 * in one transaction. The rules are checked on a read outside the transaction and the write only
 * applies to the version that was read, so a reservation or another edit landing in between
 * makes the write miss; the edit is then re-read and re-checked (a reservation → 400), up to
 * {@link MAX_EDIT_ATTEMPTS} times, then 409. The new price must reach Stripe's minimum charge too.
 * A resale listing keeps the resold ticket's event, face value and seat and its price cap; a
 * pending or rejected one cannot be edited (409 `LISTING_PENDING` / `LISTING_REJECTED`).
 */
export async function editTicket(
  store: TicketStore,
  id: string,
  userId: string,
  input: TicketInput,
  correlationId?: string,
): Promise<Ticket> {
  for (let attempt = 1; attempt <= MAX_EDIT_ATTEMPTS; attempt++) {
    const current = await findTicketById(store.db, id);
    assertEditable(current, userId);
    assertChargeable(input.priceCents, store.currency);
    const change = { title: input.title, priceCents: input.priceCents, ...input.details };
    if (current.resaleOfPassId !== null) {
      await assertResaleEdit(store.db, store, { ...current, resaleOfPassId: current.resaleOfPassId }, change);
    }
    await assertEventExists(store.db, input.details?.eventId);
    const saved = await store.relay.transaction((tx) =>
      saveTicketVersion(tx, current, change, (next) => ticketUpdatedEvent(next, store.currency, correlationId)),
    );
    if (saved) return toTicket(saved, store.currency);
  }
  throw new ConflictError('Ticket was changed by another request, try again', 'TICKET_CONCURRENT_UPDATE');
}

/** What a seller does to the sale of their ticket: unlist it, or put it back on sale. */
export type ListingChange = 'withdraw' | 'relist';

/**
 * The owner unlists an available ticket (`withdraw`: it becomes `withdrawn`) or puts a withdrawn
 * one back on sale (`relist`): version + 1 and ticket.updated with the new status in one
 * transaction, so orders' replica learns it in version order. Like an edit, the rules are checked
 * on a read and the write applies only to the version read; a reservation landing in between
 * makes it miss, and the re-read answers 400 `TICKET_RESERVED`. Unlisting a withdrawn ticket
 * answers 409 `TICKET_WITHDRAWN`, relisting one that is not withdrawn 409 `TICKET_NOT_WITHDRAWN`.
 * A relisted resale listing is `pending` again until passes locks its pass; a pending or rejected
 * one can be neither withdrawn nor relisted (409 `LISTING_PENDING` / `LISTING_REJECTED`).
 */
export async function changeListing(
  store: TicketStore,
  id: string,
  userId: string,
  change: ListingChange,
  correlationId?: string,
): Promise<Ticket> {
  for (let attempt = 1; attempt <= MAX_EDIT_ATTEMPTS; attempt++) {
    const current = await findTicketById(store.db, id);
    assertEditable(current, userId);
    if (change === 'withdraw' && current.withdrawnAt !== null) {
      throw new ConflictError('Ticket is already unlisted', 'TICKET_WITHDRAWN');
    }
    if (change === 'relist' && current.withdrawnAt === null) {
      throw new ConflictError('Ticket is not unlisted: it is already on sale', 'TICKET_NOT_WITHDRAWN');
    }
    const withdrawnAt = change === 'withdraw' ? new Date() : null;
    // A relisted resale listing waits for passes to lock its pass again (the withdrawal unlocked it).
    const relock = change === 'relist' && current.resaleOfPassId !== null ? { resaleLock: 'pending' as const } : {};
    const saved = await store.relay.transaction((tx) =>
      saveTicketVersion(tx, current, { withdrawnAt, ...relock }, (next) =>
        ticketUpdatedEvent(next, store.currency, correlationId),
      ),
    );
    if (saved) return toTicket(saved, store.currency);
  }
  throw new ConflictError('Ticket was changed by another request, try again', 'TICKET_CONCURRENT_UPDATE');
}

function assertEditable(ticket: TicketRow | undefined, userId: string): asserts ticket is TicketRow {
  if (!ticket) throw ticketNotFound();
  if (ticket.userId !== userId) throw new NotAuthorizedError('Not authorized', 'TICKET_NOT_OWNER');
  if (ticket.soldAt !== null) throw new BadRequestError('Ticket is sold', { code: 'TICKET_SOLD' });
  if (ticket.orderId !== null) throw new BadRequestError('Ticket is reserved', { code: 'TICKET_RESERVED' });
  assertNotAwaitingLock(ticket);
}

async function assertEventExists(db: Executor, eventId: string | null | undefined): Promise<void> {
  if (eventId && !(await eventExists(db, eventId))) throw eventNotFound();
}

const ticketNotFound = () => new NotFoundError('Ticket not found', 'TICKET_NOT_FOUND');
