import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  ConflictError,
  describeWait,
  NotAuthorizedError,
  NotFoundError,
  OrderStatus,
  orderAmounts,
  TooManyRequestsError,
} from '@ticketing/common';
import {
  findOrderWithTicket,
  findReservationState,
  insertOrderWithEvent,
  listOrdersWithTicket,
  lockBuyerReservations,
  lockOrder,
  lockOverdueOrdersOfTicket,
  type OrderWithTicket,
} from '../db/orders.repository';
import type { TicketRow } from '../db/schema';
import { findTicketForReservation } from '../db/tickets.repository';
import { orderCreatedEvent } from '../events/order-events';
import type { OrdersDeps } from './deps';
import { cancelLockedOrder, isOverdue } from './order-lifecycle';

/** The rules every reservation follows (from the configuration). */
export interface ReservationRules {
  /** How long a reservation holds its ticket (EXPIRATION_WINDOW_SECONDS). */
  windowSeconds: number;
  /** Reservations one buyer may hold at once (MAX_ACTIVE_RESERVATIONS). */
  maxActiveReservations: number;
  /** How long a buyer who let a reservation expire waits to reserve that ticket again; 0 = never (RESERVATION_COOLDOWN_SECONDS). */
  cooldownSeconds: number;
  /** The buyer fee in percent of the ticket's price, stored on the order (BUYER_FEE_PERCENT). */
  buyerFeePercent: number;
}

export interface ReserveTicketInput extends ReservationRules {
  userId: string;
  ticketId: string;
  correlationId?: string;
  now?: Date;
}

/** 429 `RESERVATION_COOLDOWN`: the buyer let their reservation of this ticket expire a moment ago. */
export class ReservationCooldownError extends TooManyRequestsError {
  constructor(
    /** When the buyer may reserve the ticket again. */
    readonly availableAt: Date,
    /** Whole seconds until then (the Retry-After header). */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `You let your reservation of this ticket expire; you can reserve it again ${describeWait(retryAfterSeconds)}, at ${availableAt.toISOString()}`,
      'RESERVATION_COOLDOWN',
    );
  }
}

/**
 * Reserves a ticket for `windowSeconds`. In one transaction of three statements (plus BEGIN and
 * COMMIT): take the buyer's reservation lock; read the ticket, the buyer's reservations and the
 * ticket's overdue reservation, and refuse a buyer who already holds `maxActiveReservations` (429
 * `RESERVATION_LIMIT`) or who let this ticket's reservation expire less than `cooldownSeconds`
 * ago (429 `RESERVATION_COOLDOWN`); cancel the ticket's overdue reservation if there is one
 * (expiry is enforced by data, so it never blocks a new buyer); insert the order together with
 * its order.created (plus order.cancelled for what was cancelled).
 *
 * The limit is counted under the lock, not read before the insert: a buyer's concurrent
 * reservations wait for one another, so each counts the ones committed before it and ten at
 * once still end with exactly `maxActiveReservations`.
 *
 * A ticket that an order already holds is refused from a plain read first, without a write
 * transaction: in a drop, every buyer but one is answered that way. Buyers that pass the read
 * together still race in the transaction, where the partial unique index decides.
 */
export async function reserveTicket(
  { db, relay, currency }: OrdersDeps,
  input: ReserveTicketInput,
): Promise<OrderWithTicket> {
  const { userId, ticketId, correlationId, now = new Date() } = input;
  const known = await findTicketForReservation(db, ticketId, now);
  checkReservable(known?.ticket, userId);
  if (known?.held) throw ticketReserved();
  return relay.transaction(async (tx) => {
    await lockBuyerReservations(tx, userId);
    const { cooldownSeconds } = input;
    const state = await findReservationState(tx, { userId, ticketId, now, cooldownSeconds });
    if (!state) throw ticketNotFound();
    const { ticket } = state;
    checkReservable(ticket, userId);
    if (state.active >= input.maxActiveReservations) throw reservationLimit(input.maxActiveReservations);
    if (state.lastExpiredAt) throw reservationCooldown(state.lastExpiredAt, cooldownSeconds, now);
    if (state.overdue) {
      for (const overdue of await lockOverdueOrdersOfTicket(tx, ticketId, now)) {
        await cancelLockedOrder(tx, overdue, 'expired', correlationId);
      }
    }
    // The price the replica holds now, its fee and their total are the order's for good:
    // shown, published and charged, whatever the seller or the fee percentage do afterwards.
    const amounts = orderAmounts(ticket.priceCents, input.buyerFeePercent);
    const newOrder = {
      id: randomUUID(),
      userId,
      status: OrderStatus.Created,
      expiresAt: new Date(now.getTime() + input.windowSeconds * 1000),
      ticketId,
      priceCents: amounts.price,
      buyerFeeCents: amounts.buyerFee,
      totalCents: amounts.total,
      reservationNumber: state.nextReservationNumber,
    };
    // The order and its order.created are written by one statement: one round trip less per sale.
    const order = await insertOrderWithEvent(
      tx,
      newOrder,
      orderCreatedEvent({ ...newOrder, version: 0, ticket }, currency, { correlationId }),
    );
    // The unique index refused it: rolling back also undoes the cancellation above, if any.
    if (!order) throw ticketReserved();
    return { ...order, ticket };
  });
}

export function listOrders({ db }: OrdersDeps, userId: string): Promise<OrderWithTicket[]> {
  return listOrdersWithTicket(db, userId);
}

/** The order when it belongs to `userId`: 404 when it does not exist, 401 when it is someone else's. */
export async function showOrder({ db }: OrdersDeps, orderId: string, userId: string): Promise<OrderWithTicket> {
  const order = await findOrderWithTicket(db, orderId);
  if (!order) throw orderNotFound();
  if (!sameId(order.userId, userId)) throw orderNotOwned();
  return order;
}

/**
 * The buyer cancels their order. Cancelling a cancelled order changes nothing (no second event);
 * a completed order cannot be cancelled. Returns whether this call cancelled it.
 */
export async function cancelOrder(
  { relay }: OrdersDeps,
  { orderId, userId, correlationId }: { orderId: string; userId: string; correlationId?: string },
): Promise<boolean> {
  return relay.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) throw orderNotFound();
    if (!sameId(order.userId, userId)) throw orderNotOwned();
    if (order.status === OrderStatus.Complete) {
      throw new BadRequestError('A completed order cannot be cancelled', { code: 'ORDER_COMPLETED' });
    }
    if (order.status === OrderStatus.Cancelled) return false;
    // A reservation already past its expiry had run out before the buyer cancelled it.
    await cancelLockedOrder(tx, order, isOverdue(order) ? 'expired' : 'buyer', correlationId);
    return true;
  });
}

/** The ticket exists, is not the buyer's own listing and is on sale (not withdrawn, nor a resale listing pending or rejected). */
function checkReservable(ticket: TicketRow | undefined, userId: string): asserts ticket is TicketRow {
  if (!ticket) throw ticketNotFound();
  if (sameId(ticket.userId, userId)) {
    throw new BadRequestError('You cannot buy your own ticket', { code: 'OWN_TICKET' });
  }
  if (ticket.withdrawn) {
    throw new ConflictError('This ticket is not on sale', 'TICKET_WITHDRAWN');
  }
}

const reservationLimit = (limit: number) =>
  new TooManyRequestsError(
    `You can hold at most ${limit} ${limit === 1 ? 'reservation' : 'reservations'} at once; pay for or cancel one before reserving another ticket`,
    'RESERVATION_LIMIT',
  );

function reservationCooldown(expiredAt: Date, cooldownSeconds: number, now: Date): ReservationCooldownError {
  const availableAt = new Date(expiredAt.getTime() + cooldownSeconds * 1000);
  return new ReservationCooldownError(
    availableAt,
    Math.max(1, Math.ceil((availableAt.getTime() - now.getTime()) / 1000)),
  );
}

const ticketNotFound = () => new NotFoundError('Ticket not found', 'TICKET_NOT_FOUND');

const ticketReserved = () => new BadRequestError('Ticket is already reserved', { code: 'TICKET_RESERVED' });

/** UUIDs compare case-insensitively: the database answers lower case, a token may carry upper case. */
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const orderNotFound = () => new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
const orderNotOwned = () => new NotAuthorizedError('Not authorized', 'ORDER_NOT_OWNED');
