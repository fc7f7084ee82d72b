import { type CurrencyCode, createEvent, type Event, Subjects } from '@ticketing/common';
import type { TicketRow } from '../db/schema';
import { seatOf, ticketStatus } from '../domain/ticket';

/** ticket.created for a new ticket (version 0), correlated with the request that created it; the price in minor units of `currency`. */
export function ticketCreatedEvent(
  row: TicketRow,
  currency: CurrencyCode,
  correlationId?: string,
): Event<typeof Subjects.TicketCreated> {
  return createEvent(
    Subjects.TicketCreated,
    {
      id: row.id,
      version: row.version,
      title: row.title,
      price: row.priceCents,
      currency,
      userId: row.userId,
      ...listingDetails(row),
      // Only a resale listing says so (it starts `pending`): an ordinary one keeps the event it always had.
      ...(row.resaleOfPassId === null ? {} : { status: ticketStatus(row) }),
    },
    { correlationId },
  );
}

/**
 * ticket.updated for one version of a ticket: `orderId` is null when the ticket is free, and
 * `status` tells orders' replica whether it is on sale (`withdrawn`, `pending`, `rejected`: not).
 */
export function ticketUpdatedEvent(
  row: TicketRow,
  currency: CurrencyCode,
  correlationId?: string,
): Event<typeof Subjects.TicketUpdated> {
  return createEvent(
    Subjects.TicketUpdated,
    {
      id: row.id,
      version: row.version,
      title: row.title,
      price: row.priceCents,
      currency,
      userId: row.userId,
      ...listingDetails(row),
      orderId: row.orderId,
      status: ticketStatus(row),
    },
    { correlationId },
  );
}

/** The event, face value (cents) and seat of a listing, null when not given; the pass a resale listing resells. */
const listingDetails = (row: TicketRow) => ({
  eventId: row.eventId,
  faceValue: row.faceValueCents,
  seat: seatOf(row),
  ...(row.resaleOfPassId === null ? {} : { resaleOfPassId: row.resaleOfPassId }),
});
