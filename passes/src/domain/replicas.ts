import {
  type EventCreatedData,
  type Executor,
  type OrderCreatedData,
  RetryLaterError,
  type TicketCreatedData,
} from '@ticketing/common';
import {
  findEvent,
  findTicket,
  insertEvent,
  insertOrders,
  insertTicket,
  overwriteEvent,
  overwriteOrder,
  overwriteTicket,
  updateEventToVersion,
  updateTicketsToVersion,
  updateTicketToVersion,
} from '../db/replicas.repository';
import type { EventRow, TicketRow } from '../db/schema';
import { gapHealed } from './deps';

/** How an event met its replica. */
export type ReplicaOutcome = 'applied' | 'duplicate' | 'gap-skipped';

export interface GapOptions {
  storedAt: Date;
  healMs: number;
  /** A resync: the replica takes the entity as it is, whatever version it holds. */
  resync?: boolean;
}

/**
 * Applies a full-state event of a versioned entity: the next version is applied, an older or
 * equal one is a duplicate, an early one (or one of an entity not seen yet) is retried until the
 * gap has lasted `healMs`, after which the event's whole state is taken (a lost version never comes).
 */
async function applyFullState<R extends { id: string; version: number }>(
  row: R,
  gap: GapOptions,
  store: {
    find(): Promise<R | undefined>;
    insert(): Promise<boolean>;
    next(): Promise<R | undefined>;
    overwrite(): Promise<void>;
  },
  what: string,
): Promise<ReplicaOutcome> {
  if (gap.resync) {
    await store.overwrite();
    return 'applied';
  }
  if (row.version === 0) return (await store.insert()) ? 'applied' : 'duplicate';
  if (await store.next()) return 'applied';
  const local = await store.find();
  if (local && row.version <= local.version) return 'duplicate';
  if (gapHealed(gap.storedAt, gap.healMs)) {
    await store.overwrite();
    return 'gap-skipped';
  }
  throw new RetryLaterError(
    local
      ? `${what} ${row.id} is at version ${local.version}, waiting before ${row.version}`
      : `${what} ${row.id} is not known yet (version ${row.version} arrived first)`,
  );
}

/**
 * ticket.created / ticket.updated: the replica keeps the ticket's catalog event, and what the
 * secure swap needs of a resale listing (its seller, the pass it resells, its status).
 */
export function applyTicket(db: Executor, data: TicketCreatedData, gap: GapOptions): Promise<ReplicaOutcome> {
  const row = ticketRowOf(data);
  return applyFullState(
    row,
    gap,
    {
      find: () => findTicket(db, row.id),
      insert: () => insertTicket(db, row),
      next: () => updateTicketToVersion(db, row),
      overwrite: () => overwriteTicket(db, row),
    },
    'ticket',
  );
}

/**
 * ticket.updated of several tickets, in one statement: each ticket's replica takes its event when
 * it holds the version before it. Returns the events applied, as `id@version`; the others (a
 * duplicate, an early version) are left to {@link applyTicket}.
 */
export function applyTicketsAtNextVersion(db: Executor, data: readonly TicketCreatedData[]): Promise<Set<string>> {
  return updateTicketsToVersion(db, data.map(ticketRowOf));
}

const ticketRowOf = (data: TicketCreatedData): TicketRow => ({
  id: data.id,
  eventId: data.eventId ?? null,
  userId: data.userId,
  resaleOfPassId: data.resaleOfPassId ?? null,
  status: data.status ?? null,
  version: data.version,
});

/** event.created / event.updated: the replica keeps the organizer (who may scan) and the start. */
export function applyCatalogEvent(db: Executor, data: EventCreatedData, gap: GapOptions): Promise<ReplicaOutcome> {
  const row: EventRow = {
    id: data.id,
    organizerId: data.organizerId,
    startsAt: new Date(data.startsAt),
    version: data.version,
  };
  return applyFullState(
    row,
    gap,
    {
      find: () => findEvent(db, row.id),
      insert: () => insertEvent(db, row),
      next: () => updateEventToVersion(db, row),
      overwrite: () => overwriteEvent(db, row),
    },
    'event',
  );
}

const orderRow = (data: OrderCreatedData) => ({
  id: data.id,
  userId: data.userId,
  ticketId: data.ticket.id,
  priceCents: data.ticket.price,
  currency: data.ticket.currency ?? null,
  status: data.status,
  version: data.version,
});

/** order.created: stores who bought which ticket at what price; false for a duplicate. */
export async function recordOrderCreated(tx: Executor, data: OrderCreatedData, resync = false): Promise<boolean> {
  if (resync) {
    await overwriteOrder(tx, orderRow(data));
    return true;
  }
  return (await insertOrders(tx, [orderRow(data)])) > 0;
}

/** A group of order.created (none a resync) in one statement; returns how many were new. */
export function recordOrdersCreated(db: Executor, data: readonly OrderCreatedData[]): Promise<number> {
  return insertOrders(db, data.map(orderRow));
}
