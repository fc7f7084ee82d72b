import { z } from 'zod';
import { PASS_LOCK_REFUSAL_REASONS, TICKET_STATUSES } from '../events/subjects';

export { TICKET_STATUSES, type TicketStatus } from '../events/subjects';

import { CURRENCY_CODES, type CurrencyCode, currencySpec, fitsMinorUnits } from '../money/currencies';
import { uuid, uuidField } from './fields';
import { defineOperation, revalidatedResponses } from './operation';

/** The longest title, in characters (code points, like PostgreSQL's `char_length`, which the table checks). */
export const TICKET_TITLE_MAX_LENGTH = 200;
/** The highest price a ticket may have, in units of its currency. */
export const TICKET_MAX_PRICE = 1_000_000;
/** The longest search (`q`) of the listing, in characters. */
export const TICKET_SEARCH_MAX_LENGTH = 200;
/** Tickets per page of the listing when `limit` is not given, and the most a page may hold. */
export const TICKETS_PAGE_SIZE = 20;
export const TICKETS_MAX_PAGE_SIZE = 100;

/** A ticket as the API shows it; the price is in decimal units of `currency` (events carry minor units). */
export const ticketJson = z
  .object({
    id: uuid(),
    title: z
      .string()
      .min(1)
      // Counted in code points, as JSON Schema counts them (zod's own max counts UTF-16 units).
      .meta({ maxLength: TICKET_TITLE_MAX_LENGTH, description: 'Trimmed, 1–200 characters.' }),
    price: z
      .number()
      .positive()
      .max(TICKET_MAX_PRICE)
      .meta({ description: 'Decimal units of `currency`, with at most its decimals (two for USD, none for JPY).' }),
    userId: uuid().meta({ description: 'The seller.' }),
    version: z
      .int()
      .nonnegative()
      .meta({ description: 'Bumped by every change (an edit, a reservation, its release, the sale).' }),
    orderId: uuid().nullable().meta({
      description: 'The order holding the ticket (`reserved`) or that bought it (`sold`); null while available.',
    }),
    status: z.enum(TICKET_STATUSES).meta({
      description:
        '`available` can be reserved and edited; `reserved` is held by an order until it is paid or ends; `sold` is final; `withdrawn` is unlisted by its seller (not on sale, cannot be reserved) until relisted; `pending`: a resale listing waiting for its pass to be locked (not on sale yet); `rejected`: a resale listing whose pass could not be locked (`rejectionReason`), never on sale.',
    }),
    soldAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .meta({ description: 'When the ticket was sold (its order was paid); null unless `sold`.' }),
    currency: z
      .enum(CURRENCY_CODES)
      .meta({ description: 'The currency the service sells in (`PAYMENT_CURRENCY`), lower case.' }),
    eventId: uuid().nullable().meta({
      description: 'The catalog event (`/api/events/{id}`) the ticket is for; null for a listing of its own.',
    }),
    faceValue: z.number().positive().nullable().meta({
      description: 'The price printed on the ticket, in decimal units of `currency` like `price`; null when not given.',
    }),
    seat: z
      .object({ section: z.string(), row: z.string(), seat: z.string() })
      .nullable()
      .meta({ description: 'Where the seat is, as printed on the ticket; null when not given.' }),
    resaleOfPassId: uuid().nullable().meta({
      description:
        'The pass (`/api/passes/{id}`) this listing resells (secure swap): on completion its holder’s pass is revoked and the buyer gets the next generation; null for an ordinary listing.',
    }),
    rejectionReason: z.enum(PASS_LOCK_REFUSAL_REASONS).nullable().meta({
      description:
        'Why a resale listing is `rejected`: its pass was already `admitted`, `revoked` or `listed`, or the seller is `not_holder` of it; null otherwise.',
    }),
  })
  .meta({
    examples: [
      {
        id: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        title: 'Concert, row F',
        price: 45,
        userId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
        version: 0,
        orderId: null,
        status: 'available',
        soldAt: null,
        currency: 'usd',
        eventId: '5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
        faceValue: 40,
        seat: { section: 'B', row: 'F', seat: '12' },
        resaleOfPassId: null,
        rejectionReason: null,
      },
    ],
  });

export type TicketJson = z.infer<typeof ticketJson>;

/** One page of the listing, newest first. */
export const ticketPageJson = z
  .object({
    tickets: z.array(ticketJson),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass it back as `cursor` for the next page; null on the last page.' }),
  })
  .meta({
    examples: [
      {
        tickets: [
          {
            id: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
            title: 'Concert, row F',
            price: 45,
            userId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
            version: 0,
            orderId: null,
            status: 'available',
            soldAt: null,
            currency: 'usd',
            eventId: null,
            faceValue: null,
            seat: null,
            resaleOfPassId: null,
            rejectionReason: null,
          },
        ],
        nextCursor:
          'eyJ0IjoiMjAyNi0xMi0wNlQxODowMDowMC4wMDBaIiwiaWQiOiI5YjhhN2M2ZC01ZTRmLTRhM2ItOGMyZC0xZTBmOWE4YjdjNmQifQ',
      },
    ],
  });

export type TicketPageJson = z.infer<typeof ticketPageJson>;

// A surrogate without its partner is not text (String.prototype.isWellFormed is not in ES2023's lib).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** C0 controls and DEL: a NUL would make PostgreSQL fail, the others have no place in a title or a search. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The rules of free text, in the order they are reported: well-formed, no control characters, at most `max` characters. */
export const freeText = (schema: z.ZodString, label: string, max: number) =>
  schema
    .refine((value) => !LONE_SURROGATE.test(value), `${label} must be valid Unicode text`)
    .refine((value) => !hasControlCharacter(value), `${label} must not contain control characters`)
    .refine((value) => [...value].length <= max, `${label} must be at most ${max} characters`);

/** A title as sellers send it: trimmed, then 1–200 characters. */
export const ticketTitle = freeText(
  z.string({ error: 'Title must be a string' }).trim().min(1, 'Title is required'),
  'Title',
  TICKET_TITLE_MAX_LENGTH,
).meta({ description: 'Trimmed; then 1–200 characters, without control characters.' });

const decimalsMessage = (label: string, currency: CurrencyCode) => {
  const { exponent } = currencySpec(currency);
  return exponent === 0 ? `${label} must be a whole number` : `${label} must have at most ${exponent} decimal places`;
};

/**
 * An amount as sellers send it, in decimal units of `currency`: a JSON number ("20" is refused
 * rather than coerced, so a client bug shows at once), > 0, ≤ {@link TICKET_MAX_PRICE}, with at
 * most the currency's decimals. Without a currency, the decimals are not checked (the document
 * states them in words: they depend on the service's `PAYMENT_CURRENCY`).
 */
const decimalAmount = (label: string, currency?: CurrencyCode) =>
  z
    .number({
      // JSON's 1e400 parses as Infinity, which zod does not count as a number: report it by its size.
      error: (issue) =>
        typeof issue.input !== 'number' || Number.isNaN(issue.input)
          ? `${label} must be a number`
          : issue.input > 0
            ? `${label} must be at most ${TICKET_MAX_PRICE}`
            : `${label} must be greater than 0`,
    })
    .positive(`${label} must be greater than 0`)
    .max(TICKET_MAX_PRICE, `${label} must be at most ${TICKET_MAX_PRICE}`)
    .refine((amount) => currency === undefined || fitsMinorUnits(amount, currency), {
      error: () => decimalsMessage(label, currency!),
    });

/**
 * A price as sellers send it (see {@link decimalAmount}). Stripe's minimum charge is the service's
 * own check (`PRICE_BELOW_MINIMUM`).
 */
export const ticketPrice = (currency?: CurrencyCode) =>
  decimalAmount('Price', currency).meta({
    description:
      'Decimal units of the currency the service sells in (`PAYMENT_CURRENCY`): a JSON number, not a string, with at most the currency’s decimals (two for USD, none for JPY), and at least the gateway’s minimum charge in it (`PRICE_BELOW_MINIMUM` otherwise).',
  });

/** The longest part of a seat (section, row, seat), in characters. */
export const SEAT_PART_MAX_LENGTH = 20;

const seatPart = (label: string) =>
  freeText(
    z
      .string({ error: `${label} must be a string` })
      .trim()
      .min(1, `${label} is required`),
    label,
    SEAT_PART_MAX_LENGTH,
  );

/** A seat as sellers send it: each part trimmed, 1–20 characters. */
export const seatInput = z
  .strictObject(
    { section: seatPart('Section'), row: seatPart('Row'), seat: seatPart('Seat') },
    { error: 'Seat must be an object with section, row and seat' },
  )
  .meta({ description: 'Where the seat is: `section`, `row` and `seat`, each trimmed, 1–20 characters.' });

/** The price printed on the ticket, in decimal units like the price (minor units in the events). */
export const faceValueInput = (currency?: CurrencyCode) =>
  decimalAmount('Face value', currency).meta({
    description: `What the ticket cost at the box office, in decimal units of the service's currency like \`price\` (at most ${TICKET_MAX_PRICE}).`,
  });

const eventIdInput = uuidField('Event id').meta({
  description: 'A catalog event (`POST /api/events`); 404 `EVENT_NOT_FOUND` when there is none.',
});

/**
 * The body of a listing, as a service selling in `currency` validates it; without a currency, as
 * the document describes it. `eventId`, `faceValue` and `seat` are optional (null is the same as
 * absent), so `{ title, price }` lists a ticket as it always did. Any other field is refused
 * ("Unknown field").
 */
export const ticketInput = (currency?: CurrencyCode) =>
  z.strictObject({
    title: ticketTitle,
    price: ticketPrice(currency),
    eventId: eventIdInput.nullable().optional(),
    faceValue: faceValueInput(currency).nullable().optional(),
    seat: seatInput.nullable().optional(),
  });

/** The highest resale price by default, in percent of what the pass's holder paid (`RESALE_PRICE_CAP_PERCENT`). */
export const DEFAULT_RESALE_PRICE_CAP_PERCENT = 120;

/**
 * The body of a resale listing (secure swap): a pass its seller holds and a price, capped by the
 * service at `RESALE_PRICE_CAP_PERCENT` of what the holder paid. The title is optional (the resold
 * ticket's own title when absent); the event, face value and seat are the resold ticket's.
 */
export const resaleInput = (currency?: CurrencyCode) =>
  z.strictObject({
    resaleOfPassId: uuidField('Pass id').meta({
      description:
        'A pass the seller holds (`GET /api/passes`); 404 `PASS_NOT_FOUND` when the service has not seen it, 403 `NOT_PASS_HOLDER` when another user holds it.',
    }),
    price: ticketPrice(currency),
    title: ticketTitle.optional(),
  });

/** A listing body: a resale when it names `resaleOfPassId`, an ordinary listing otherwise. */
export const createTicketInput = (currency?: CurrencyCode) => z.union([resaleInput(currency), ticketInput(currency)]);

const CURSOR_INVALID = 'Cursor is not valid; use nextCursor from a previous page';
const LIMIT_INVALID = `Limit must be an integer between 1 and ${TICKETS_MAX_PAGE_SIZE}`;

/**
 * The listing's query string. The cursor is opaque: only the service can tell one it issued, so
 * it passes `isCursor`; without it, as the document describes it, any string of at most 200
 * characters passes. A repeated parameter (an array) is refused like a wrong value.
 */
export const listTicketsQuery = (isCursor: (cursor: string) => boolean = () => true) =>
  z.strictObject({
    limit: z
      .string({ error: LIMIT_INVALID })
      .regex(/^\+?[1-9]\d*$/, LIMIT_INVALID)
      .refine((limit) => Number(limit) <= TICKETS_MAX_PAGE_SIZE, LIMIT_INVALID)
      .transform(Number)
      .optional()
      .transform((limit) => limit ?? TICKETS_PAGE_SIZE)
      .meta({ description: `Tickets per page, 1–${TICKETS_MAX_PAGE_SIZE}; ${TICKETS_PAGE_SIZE} when absent.` }),
    q: freeText(z.string({ error: 'Search must be a single string' }), 'Search', TICKET_SEARCH_MAX_LENGTH)
      .transform((q) => q.trim() || undefined)
      .optional()
      .meta({ description: 'A case-insensitive part of the title (`%` and `_` match literally); blank lists all.' }),
    mine: z
      .enum(['true', 'false'], { error: 'Mine must be true or false' })
      .optional()
      .transform((mine) => mine === 'true')
      .meta({ description: '`true`: the signed-in seller’s own tickets, in every state (401 signed out).' }),
    include: z.enum(['reserved'], { error: 'Include must be reserved' }).optional().meta({
      description:
        '`reserved`: the listing also shows reserved tickets (`status: reserved`), in their place among the available ones, so a browser can show them as not for sale now. Ignored with `mine=true`.',
    }),
    cursor: z
      .string({ error: CURSOR_INVALID })
      .max(200, CURSOR_INVALID)
      .refine(isCursor, CURSOR_INVALID)
      .optional()
      .meta({ description: 'The `nextCursor` of the previous page, as given: opaque, never built by clients.' }),
  });

const ticketIdParams = z.object({ id: z.uuid({ error: 'Ticket id must be a UUID' }) });

const createTicket = defineOperation({
  operationId: 'createTicket',
  method: 'post',
  path: '/api/tickets',
  summary: 'List a ticket for sale',
  description:
    'The signed-in user becomes its seller; the ticket is `available`, version 0, and `ticket.created` is published. `eventId`, `faceValue` and `seat` are optional. With `resaleOfPassId` it resells a pass the seller holds (secure swap): the price may be at most `RESALE_PRICE_CAP_PERCENT` (120 by default) of what the holder paid, the event, face value and seat are the resold ticket’s, and the listing starts `pending` — it goes on sale (`available`) once passes has locked the pass, or ends `rejected` with a `rejectionReason`.',
  auth: 'required',
  body: createTicketInput(),
  responses: { 201: { description: 'The new listing (`pending` for a resale).', body: ticketJson } },
  errors: {
    400: ['PRICE_BELOW_MINIMUM', 'RESALE_PRICE_CAP'],
    403: ['NOT_PASS_HOLDER'],
    404: ['EVENT_NOT_FOUND', 'PASS_NOT_FOUND'],
  },
});

const listTickets = defineOperation({
  operationId: 'listTickets',
  method: 'get',
  path: '/api/tickets',
  summary: 'Browse and search the tickets on sale',
  description:
    'Available tickets of every seller, newest first, a page at a time (keyset pagination: pages never repeat or skip a ticket); with `include=reserved`, reserved ones too. Withdrawn and sold tickets are never listed. With `mine=true`, the signed-in seller’s own tickets in every state instead.',
  auth: 'optional',
  query: listTicketsQuery(),
  responses: revalidatedResponses({ description: 'A page, newest first.', body: ticketPageJson }),
  errors: { 401: ['NOT_AUTHORIZED'] },
});

const showTicket = defineOperation({
  operationId: 'showTicket',
  method: 'get',
  path: '/api/tickets/{id}',
  summary: 'A ticket, whatever its state',
  description: 'Public: buyers follow links to reserved and sold tickets too.',
  auth: 'none',
  params: ticketIdParams,
  responses: revalidatedResponses({ description: 'The ticket.', body: ticketJson }),
  errors: { 404: ['TICKET_NOT_FOUND'] },
});

const updateTicket = defineOperation({
  operationId: 'updateTicket',
  method: 'put',
  path: '/api/tickets/{id}',
  summary: 'Edit a listing',
  description:
    'The seller replaces the title and price of an available (or withdrawn) ticket, and its `eventId`, `faceValue` and `seat` when given (absent keeps them, null clears them): its version goes up by one and `ticket.updated` is published. A reserved or sold ticket cannot be edited; an edit that keeps racing other changes answers 409. A resale listing keeps the event, face value and seat of the ticket it resells (naming other values answers `RESALE_LISTING_FIXED`) and its price stays within `RESALE_PRICE_CAP_PERCENT` of what the holder paid (`RESALE_PRICE_CAP`); while `pending` or once `rejected` it cannot be edited (`LISTING_PENDING`, `LISTING_REJECTED`).',
  auth: 'required',
  params: ticketIdParams,
  body: ticketInput(),
  responses: { 200: { description: 'The edited ticket.', body: ticketJson } },
  errors: {
    400: ['PRICE_BELOW_MINIMUM', 'TICKET_RESERVED', 'TICKET_SOLD', 'RESALE_PRICE_CAP', 'RESALE_LISTING_FIXED'],
    401: ['TICKET_NOT_OWNER'],
    404: ['TICKET_NOT_FOUND', 'EVENT_NOT_FOUND'],
    409: ['TICKET_CONCURRENT_UPDATE', 'LISTING_PENDING', 'LISTING_REJECTED'],
  },
});

const withdrawTicket = defineOperation({
  operationId: 'withdrawTicket',
  method: 'post',
  path: '/api/tickets/{id}/withdraw',
  summary: 'Unlist a ticket',
  description:
    'The seller takes an available ticket off sale: it becomes `withdrawn`, leaves the listing and cannot be reserved; its version goes up by one and `ticket.updated` (with `status: withdrawn`) is published. Only an available ticket can be unlisted (a resale listing `pending` or `rejected` answers `LISTING_PENDING` or `LISTING_REJECTED`); unlisting a resale listing unlocks its pass.',
  auth: 'required',
  params: ticketIdParams,
  responses: { 200: { description: 'The withdrawn ticket.', body: ticketJson } },
  errors: {
    400: ['TICKET_RESERVED', 'TICKET_SOLD'],
    401: ['TICKET_NOT_OWNER'],
    404: ['TICKET_NOT_FOUND'],
    409: ['TICKET_WITHDRAWN', 'TICKET_CONCURRENT_UPDATE', 'LISTING_PENDING', 'LISTING_REJECTED'],
  },
});

const relistTicket = defineOperation({
  operationId: 'relistTicket',
  method: 'post',
  path: '/api/tickets/{id}/relist',
  summary: 'Put an unlisted ticket back on sale',
  description:
    'The seller puts a withdrawn ticket back on sale: it becomes `available` again; its version goes up by one and `ticket.updated` is published. Only a withdrawn ticket can be relisted. A resale listing becomes `pending` instead, until passes locks its pass again (then `available`, or `rejected`); a `rejected` one answers `LISTING_REJECTED`.',
  auth: 'required',
  params: ticketIdParams,
  responses: { 200: { description: 'The ticket, available again (a resale listing: `pending`).', body: ticketJson } },
  errors: {
    400: ['TICKET_RESERVED', 'TICKET_SOLD'],
    401: ['TICKET_NOT_OWNER'],
    404: ['TICKET_NOT_FOUND'],
    409: ['TICKET_NOT_WITHDRAWN', 'TICKET_CONCURRENT_UPDATE', 'LISTING_PENDING', 'LISTING_REJECTED'],
  },
});

/** The tickets service's operations on listings, by name (its catalog's are `eventsOperations`). */
export const ticketsOperations = { createTicket, listTickets, showTicket, updateTicket, withdrawTicket, relistTicket };
