import type { CurrencyCode, Transaction } from '@ticketing/common';
import type { schema, TicketRow } from '../db/schema';
import { lockTicketForEvent, type SaveCondition, saveTicketVersion, type TicketChange } from '../db/tickets.repository';
import { ticketUpdatedEvent } from '../events/ticket-events';
import type { TicketStore } from './ticket-store';

/** Which order event, for which ticket; `consumer` + `eventId` make a redelivery a no-op. */
export interface OrderEventInput {
  consumer: string;
  eventId: string;
  correlationId: string;
  ticketId: string;
  orderId: string;
}

/** order.created: the order and its place among the ticket's orders (absent on events published before numbering). */
export interface ReservationInput extends OrderEventInput {
  reservationNumber?: number;
}

export type ReservationOutcome =
  | { outcome: 'applied'; ticket: TicketRow; previousOrderId: string | null }
  | { outcome: 'duplicate' }
  | { outcome: 'unknown-ticket' }
  | { outcome: 'ignored'; reason: string };

type Tx = Transaction<typeof schema>;

/**
 * order.created: the order holds the ticket. A reservation whose order was already cancelled
 * (the cancellation overtook it on its own consumer) or for a sold ticket is not applied.
 *
 * A newer reservation replaces the one the ticket holds: orders allows one active order per
 * ticket, so the previous order is over even if its cancellation has not arrived yet. "Newer" is
 * decided by the reservation number orders gives each of a ticket's orders, never by arrival:
 * a late or redelivered order.created (another replica was slow, the consumer redelivered it)
 * of an order older than the newest reservation applied here — held or already released — is
 * ignored. An event without a number (published before reservations were numbered) counts as
 * 0: it replaces only a reservation that has no number either, as before.
 */
export function reserveTicket(store: TicketStore, input: ReservationInput): Promise<ReservationOutcome> {
  return store.relay.transaction((tx) => reserveIn(tx, store, input));
}

/**
 * {@link reserveTicket} for several order.created in one transaction, in the order given (a
 * ticket's later reservation sees its earlier one): all are applied, or none when it fails.
 */
export function reserveTickets(store: TicketStore, inputs: readonly ReservationInput[]): Promise<ReservationOutcome[]> {
  return store.relay.transaction(async (tx) => {
    const outcomes: ReservationOutcome[] = [];
    for (const input of inputs) outcomes.push(await reserveIn(tx, store, input));
    return outcomes;
  });
}

function reserveIn(tx: Tx, store: TicketStore, input: ReservationInput): Promise<ReservationOutcome> {
  return handleIn(tx, input, async (ticket) => {
    if (ticket.soldAt !== null) return { outcome: 'ignored', reason: 'ticket is sold' };
    if (ticket.orderId === input.orderId) return { outcome: 'ignored', reason: 'already reserved by this order' };
    const reservationNumber = input.reservationNumber ?? 0;
    const bothUnnumbered = reservationNumber === 0 && ticket.latestReservation === 0;
    if (!bothUnnumbered && reservationNumber <= ticket.latestReservation) {
      return {
        outcome: 'ignored',
        reason: `a newer reservation (number ${ticket.latestReservation}) was already applied`,
      };
    }
    // Checked by the write itself, under the row lock: a cancellation committed before it is seen.
    return apply(
      tx,
      ticket,
      { orderId: input.orderId, latestReservation: reservationNumber },
      input.correlationId,
      store.currency,
      { unlessOrderCancelled: input.orderId },
    );
  });
}

/** order.cancelled: frees the ticket if this order holds it; remembers the order as cancelled either way. */
export function releaseTicket(store: TicketStore, input: OrderEventInput): Promise<ReservationOutcome> {
  return handleOnce(
    store,
    input,
    async (tx, ticket) => {
      if (ticket.soldAt !== null) return { outcome: 'ignored', reason: 'ticket is sold' };
      if (ticket.orderId !== input.orderId) return { outcome: 'ignored', reason: 'ticket is not held by this order' };
      return apply(tx, ticket, { orderId: null }, input.correlationId, store.currency);
    },
    { cancelled: true },
  );
}

/**
 * order.completed: the ticket is sold to this order, for good — never listed, edited or reserved
 * again. Applied even when the reservation has not arrived yet (a completed order is final).
 */
export function sellTicket(store: TicketStore, input: OrderEventInput): Promise<ReservationOutcome> {
  return handleOnce(store, input, async (tx, ticket) => {
    if (ticket.soldAt !== null) return { outcome: 'ignored', reason: 'ticket is already sold' };
    return apply(tx, ticket, { orderId: input.orderId, soldAt: new Date() }, input.correlationId, store.currency);
  });
}

/** One transaction of {@link handleIn}. */
function handleOnce(
  { relay }: TicketStore,
  input: OrderEventInput,
  decide: (tx: Tx, ticket: TicketRow) => Promise<ReservationOutcome>,
  options: { cancelled?: boolean } = {},
): Promise<ReservationOutcome> {
  return relay.transaction((tx) => handleIn(tx, input, (ticket) => decide(tx, ticket), options));
}

/**
 * In `tx`: record the event as processed (a redelivery stops here), remember a cancelled order,
 * lock the ticket — one statement — and let `decide` change it. An unknown ticket is
 * acknowledged, not retried: tickets owns tickets, so one it does not have will never appear.
 */
async function handleIn(
  tx: Tx,
  input: OrderEventInput,
  decide: (ticket: TicketRow) => Promise<ReservationOutcome>,
  { cancelled = false }: { cancelled?: boolean } = {},
): Promise<ReservationOutcome> {
  const locked = await lockTicketForEvent(tx, {
    ticketId: input.ticketId,
    consumer: input.consumer,
    eventId: input.eventId,
    ...(cancelled ? { cancelledOrderId: input.orderId } : {}),
  });
  if (!locked) return { outcome: 'unknown-ticket' };
  if (!locked.fresh) return { outcome: 'duplicate' };
  return decide(locked.ticket);
}

/**
 * Writes the next version and its ticket.updated together; the row lock makes a version miss
 * impossible. With `unlessOrderCancelled`, nothing is written (the event is ignored) when that
 * order is known to be cancelled.
 */
async function apply(
  tx: Tx,
  ticket: TicketRow,
  change: TicketChange,
  correlationId: string,
  currency: CurrencyCode,
  condition: SaveCondition = {},
): Promise<ReservationOutcome> {
  const saved = await saveTicketVersion(
    tx,
    ticket,
    change,
    (next) => ticketUpdatedEvent(next, currency, correlationId),
    condition,
  );
  if (saved) return { outcome: 'applied', ticket: saved, previousOrderId: ticket.orderId };
  if (condition.unlessOrderCancelled) return { outcome: 'ignored', reason: 'order already cancelled' };
  throw new Error(`ticket ${ticket.id} changed under its row lock`);
}
