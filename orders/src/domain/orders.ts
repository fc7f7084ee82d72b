import { randomUUID } from 'node:crypto';
import { BadRequestError, enqueueEvent, NotAuthorizedError, NotFoundError, OrderStatus } from '@ticketing/common';
import {
  findOrderWithTicket,
  insertOrder,
  listOrdersWithTicket,
  lockOrder,
  lockOverdueOrdersOfTicket,
  type OrderWithTicket,
} from '../db/orders.repository';
import type { TicketRow } from '../db/schema';
import { findTicket, findTicketForReservation } from '../db/tickets.repository';
import { orderCreatedEvent } from '../events/order-events';
import type { OrdersDeps } from './deps';
import { cancelLockedOrder } from './order-lifecycle';

export interface ReserveTicketInput {
  userId: string;
  ticketId: string;
  windowSeconds: number;
  correlationId?: string;
  now?: Date;
}

/**
 * Reserves a ticket for `windowSeconds`. In one transaction: cancel the ticket's overdue
 * reservation (expiry is enforced by data, so it never blocks a new buyer), insert the order,
 * and write order.created (plus order.cancelled for what was cancelled).
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
    const ticket = await findTicket(tx, ticketId);
    checkReservable(ticket, userId);
    for (const overdue of await lockOverdueOrdersOfTicket(tx, ticketId, now)) {
      await cancelLockedOrder(tx, overdue, correlationId);
    }
    const order = await insertOrder(tx, {
      id: randomUUID(),
      userId,
      status: OrderStatus.Created,
      expiresAt: new Date(now.getTime() + input.windowSeconds * 1000),
      ticketId,
      // The price the replica holds now is the order's for good: shown, published and charged.
      priceCents: ticket.priceCents,
    });
    // The unique index refused it: rolling back also undoes the cancellation above, if any.
    if (!order) throw ticketReserved();
    await enqueueEvent(tx, orderCreatedEvent(order, currency, { correlationId }));
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
    await cancelLockedOrder(tx, order, correlationId);
    return true;
  });
}

/** The ticket exists and is not the buyer's own listing. */
function checkReservable(ticket: TicketRow | undefined, userId: string): asserts ticket is TicketRow {
  if (!ticket) throw new NotFoundError('Ticket not found', 'TICKET_NOT_FOUND');
  if (sameId(ticket.userId, userId)) {
    throw new BadRequestError('You cannot buy your own ticket', { code: 'OWN_TICKET' });
  }
}

const ticketReserved = () => new BadRequestError('Ticket is already reserved', { code: 'TICKET_RESERVED' });

/** UUIDs compare case-insensitively: the database answers lower case, a token may carry upper case. */
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const orderNotFound = () => new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
const orderNotOwned = () => new NotAuthorizedError('Not authorized', 'ORDER_NOT_OWNED');
