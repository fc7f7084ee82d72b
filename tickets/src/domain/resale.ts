import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  ConflictError,
  type CurrencyCode,
  currencySpec,
  type ErrorItem,
  type Executor,
  enqueueEvent,
  ForbiddenError,
  fromMinorUnits,
  NotFoundError,
} from '@ticketing/common';
import { findPass } from '../db/passes.repository';
import type { PassRow, TicketRow } from '../db/schema';
import { findTicketById, insertTicket } from '../db/tickets.repository';
import { ticketCreatedEvent } from '../events/ticket-events';
import { assertChargeable, type Ticket, toTicket } from './ticket';
import type { TicketStore } from './ticket-store';

/** A resale listing as the API takes it: the pass, the price in minor units, and a title or none. */
export interface ResaleInput {
  resaleOfPassId: string;
  priceCents: number;
  title?: string;
}

/**
 * A resale listing (secure swap): a new ticket reselling a pass its seller holds, per tickets'
 * replica of passes. An unknown pass answers 404 `PASS_NOT_FOUND`, someone else's 403
 * `NOT_PASS_HOLDER`, a price above the cap 400 `RESALE_PRICE_CAP`. The listing copies the event,
 * face value and seat of the pass's ticket (and its title unless one is given) and starts
 * `pending`: passes locks the pass on its ticket.created and answers pass.listed (on sale) or
 * pass.lock_refused (rejected).
 */
export async function createResaleListing(
  store: TicketStore,
  userId: string,
  input: ResaleInput,
  correlationId?: string,
): Promise<Ticket> {
  const { relay, currency } = store;
  assertChargeable(input.priceCents, currency);
  const pass = await findPass(store.db, input.resaleOfPassId);
  // tickets owns every ticket a pass is for: a pass whose ticket it lacks is as unknown as the pass.
  const resold = pass && (await findTicketById(store.db, pass.ticketId));
  if (!pass || !resold) throw new PassNotFoundError();
  if (pass.holderId !== userId) throw new NotPassHolderError();
  assertWithinCap(input.priceCents, pass, store);
  const row = await relay.transaction(async (tx) => {
    const created = await insertTicket(tx, {
      id: randomUUID(),
      userId,
      title: input.title ?? resold.title,
      priceCents: input.priceCents,
      eventId: resold.eventId,
      faceValueCents: resold.faceValueCents,
      seatSection: resold.seatSection,
      seatRow: resold.seatRow,
      seatNumber: resold.seatNumber,
      resaleOfPassId: pass.id,
      resaleLock: 'pending',
    });
    await enqueueEvent(tx, ticketCreatedEvent(created, currency, correlationId));
    return created;
  });
  return toTicket(row, currency);
}

/** The highest price a resale of `pass` may ask, in minor units: the cap's percentage of what its holder paid. */
export const resalePriceCap = (pass: Pick<PassRow, 'faceValueCents'>, capPercent: number): number =>
  Math.floor((pass.faceValueCents * capPercent) / 100);

function assertWithinCap(
  priceCents: number,
  pass: Pick<PassRow, 'faceValueCents'>,
  { currency, resalePriceCapPercent }: Pick<TicketStore, 'currency' | 'resalePriceCapPercent'>,
): void {
  const cap = resalePriceCap(pass, resalePriceCapPercent);
  if (priceCents <= cap) return;
  const amount = (minor: number) => decimal(minor, currency);
  throw new BadRequestError(
    `Price must be at most ${amount(cap)} (${resalePriceCapPercent}% of the ${amount(pass.faceValueCents)} paid)`,
    { code: 'RESALE_PRICE_CAP', field: 'price' },
  );
}

const decimal = (minor: number, currency: CurrencyCode) =>
  fromMinorUnits(minor, currency).toFixed(currencySpec(currency).exponent);

/**
 * What an edit of a resale listing may not change and may not exceed: its event, face value and
 * seat stay the resold ticket's (400 `RESALE_LISTING_FIXED`, field of the first key that names
 * another value), and its price stays within the cap of the pass it resells.
 */
export async function assertResaleEdit(
  db: Executor,
  store: Pick<TicketStore, 'currency' | 'resalePriceCapPercent'>,
  listing: TicketRow & { resaleOfPassId: string },
  change: Partial<TicketRow>,
): Promise<void> {
  const fixed = [
    ['eventId', ['eventId']],
    ['faceValue', ['faceValueCents']],
    ['seat', ['seatSection', 'seatRow', 'seatNumber']],
  ] as const;
  for (const [field, columns] of fixed) {
    if (columns.some((column) => column in change && change[column] !== listing[column])) {
      throw new BadRequestError(
        `A resale listing keeps the event, face value and seat of the ticket it resells: ${field} cannot change`,
        { code: 'RESALE_LISTING_FIXED', field },
      );
    }
  }
  const pass = await findPass(db, listing.resaleOfPassId);
  if (pass && change.priceCents !== undefined) assertWithinCap(change.priceCents, pass, store);
}

/** A pending or rejected resale listing cannot be edited, withdrawn or relisted (409). */
export function assertNotAwaitingLock(ticket: Pick<TicketRow, 'resaleLock'>): void {
  if (ticket.resaleLock === 'pending') {
    throw new ConflictError(
      'This resale listing is waiting for its pass to be locked: try again in a moment',
      'LISTING_PENDING',
    );
  }
  if (ticket.resaleLock === 'rejected') {
    throw new ConflictError('This resale listing was rejected: its pass could not be locked', 'LISTING_REJECTED');
  }
}

/** 404 `PASS_NOT_FOUND` about `resaleOfPassId`: tickets has not heard of the pass (yet). */
class PassNotFoundError extends NotFoundError {
  constructor() {
    super('Pass not found', 'PASS_NOT_FOUND');
  }

  override serialize(): ErrorItem[] {
    return [{ message: this.message, code: this.code, field: 'resaleOfPassId' }];
  }
}

/** 403 `NOT_PASS_HOLDER` about `resaleOfPassId`: another user holds the pass. */
class NotPassHolderError extends ForbiddenError {
  constructor() {
    super('Only the holder of a pass may resell it', 'NOT_PASS_HOLDER');
  }

  override serialize(): ErrorItem[] {
    return [{ message: this.message, code: this.code, field: 'resaleOfPassId' }];
  }
}
