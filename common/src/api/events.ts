import { z } from 'zod';
import { CURRENCY_CODES } from '../money/currencies';
import { instant, uuid } from './fields';
import { defineOperation, revalidatedResponses } from './operation';
import { freeText, TICKET_SEARCH_MAX_LENGTH, TICKETS_MAX_PAGE_SIZE, TICKETS_PAGE_SIZE, ticketJson } from './tickets';

/** The longest event name, in characters. */
export const EVENT_NAME_MAX_LENGTH = 200;
/** The longest venue, city or category, in characters. */
export const EVENT_PLACE_MAX_LENGTH = 100;
/** Events per page of the catalog when `limit` is not given, and the most a page may hold: the listing's. */
export const EVENTS_PAGE_SIZE = TICKETS_PAGE_SIZE;
export const EVENTS_MAX_PAGE_SIZE = TICKETS_MAX_PAGE_SIZE;
/** The orders the catalog can be read in. */
export const EVENT_SORTS = ['startsAt', 'price'] as const;
export type EventSort = (typeof EVENT_SORTS)[number];

/** A catalog event as the API shows it, with what is on sale for it. */
export const eventJson = z
  .object({
    id: uuid(),
    organizerId: uuid().meta({ description: 'The user who created the event; only they may edit it.' }),
    name: z.string(),
    venue: z.string(),
    city: z.string(),
    startsAt: instant(),
    category: z.string().nullable(),
    version: z.int().nonnegative().meta({ description: 'Bumped by every edit; each is published as `event.updated`.' }),
    availableListings: z
      .int()
      .nonnegative()
      .meta({ description: 'How many tickets for the event are on sale now (not reserved, sold or withdrawn).' }),
    lowestPrice: z
      .number()
      .positive()
      .nullable()
      .meta({ description: 'The lowest price among them, in decimal units of `currency`; null when none is on sale.' }),
    currency: z.enum(CURRENCY_CODES),
  })
  .meta({
    examples: [
      {
        id: '5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
        organizerId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
        name: 'Jazz night',
        venue: 'Blue Hall',
        city: 'Lyon',
        startsAt: '2027-03-14T19:30:00.000Z',
        category: 'concert',
        version: 0,
        availableListings: 3,
        lowestPrice: 35,
        currency: 'usd',
      },
    ],
  });

export type EventJson = z.infer<typeof eventJson>;

/** An event with the tickets on sale for it, cheapest first. */
export const eventWithListingsJson = eventJson.extend({
  listings: z.array(ticketJson).meta({ description: 'Its available tickets, cheapest first (with their seats).' }),
});

export type EventWithListingsJson = z.infer<typeof eventWithListingsJson>;

export const eventPageJson = z.object({
  events: z.array(eventJson),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass it back as `cursor` for the next page; null on the last page.' }),
});

export type EventPageJson = z.infer<typeof eventPageJson>;

const placeText = (label: string, max: number) =>
  freeText(
    z
      .string({ error: `${label} must be a string` })
      .trim()
      .min(1, `${label} is required`),
    label,
    max,
  );

/**
 * When an event starts: an ISO 8601 instant with its offset, in the future when it is set
 * (400 `EVENT_START_IN_PAST` otherwise: nobody can buy a ticket for an event that is over).
 */
const startsAtInput = z
  .string({ error: 'Starts at must be an ISO 8601 date and time' })
  .pipe(z.iso.datetime({ offset: true, error: 'Starts at must be an ISO 8601 date and time with its offset' }))
  .refine((value) => Date.parse(value) > Date.now(), {
    message: 'Starts at must be in the future',
    params: { code: 'EVENT_START_IN_PAST' },
  })
  .meta({ description: 'An ISO 8601 instant with its offset (`2027-03-14T19:30:00+01:00`), in the future.' });

/** The body of a new event and of an edit (it replaces every field; an absent category clears it). */
export const eventInput = z.strictObject({
  name: placeText('Name', EVENT_NAME_MAX_LENGTH).meta({ description: 'Trimmed, 1–200 characters.' }),
  venue: placeText('Venue', EVENT_PLACE_MAX_LENGTH).meta({ description: 'Trimmed, 1–100 characters.' }),
  city: placeText('City', EVENT_PLACE_MAX_LENGTH).meta({ description: 'Trimmed, 1–100 characters.' }),
  startsAt: startsAtInput,
  category: placeText('Category', EVENT_PLACE_MAX_LENGTH)
    .nullable()
    .optional()
    .meta({ description: 'Free text (`concert`, `football`), trimmed, 1–100 characters; optional.' }),
});

const CURSOR_INVALID = 'Cursor is not valid; use nextCursor from a previous page of the same sort';
const LIMIT_INVALID = `Limit must be an integer between 1 and ${EVENTS_MAX_PAGE_SIZE}`;

const queryInstant = (label: string) =>
  z
    .string({ error: `${label} must be a single ISO 8601 date and time` })
    .pipe(z.iso.datetime({ offset: true, error: `${label} must be an ISO 8601 date and time with its offset` }))
    .optional();

/** A filter that compares without case: trimmed, blank is no filter. */
const queryText = (label: string, max: number) =>
  freeText(z.string({ error: `${label} must be a single string` }), label, max)
    .transform((value) => value.trim() || undefined)
    .optional();

/**
 * The catalog's query string. As with the listing, only the service can tell a cursor it issued
 * (for the sort asked), so it passes `isCursor`.
 */
export const listEventsQuery = (isCursor: (cursor: string, sort: EventSort) => boolean = () => true) =>
  z
    .strictObject({
      q: queryText('Search', TICKET_SEARCH_MAX_LENGTH).meta({
        description: 'A case-insensitive part of the name, venue or city (`%` and `_` match literally).',
      }),
      city: queryText('City', EVENT_PLACE_MAX_LENGTH).meta({ description: 'The city, in any case.' }),
      category: queryText('Category', EVENT_PLACE_MAX_LENGTH).meta({ description: 'The category, in any case.' }),
      from: queryInstant('From').meta({ description: 'Events starting at or after this instant.' }),
      to: queryInstant('To').meta({ description: 'Events starting at or before this instant.' }),
      sort: z
        .enum(EVENT_SORTS, { error: 'Sort must be startsAt or price' })
        .optional()
        .transform((sort) => sort ?? 'startsAt')
        .meta({
          description:
            '`startsAt` (default): soonest first. `price`: lowest available price first, events with nothing on sale last (then soonest first).',
        }),
      limit: z
        .string({ error: LIMIT_INVALID })
        .regex(/^\+?[1-9]\d*$/, LIMIT_INVALID)
        .refine((limit) => Number(limit) <= EVENTS_MAX_PAGE_SIZE, LIMIT_INVALID)
        .transform(Number)
        .optional()
        .transform((limit) => limit ?? EVENTS_PAGE_SIZE)
        .meta({ description: `Events per page, 1–${EVENTS_MAX_PAGE_SIZE}; ${EVENTS_PAGE_SIZE} when absent.` }),
      cursor: z
        .string({ error: CURSOR_INVALID })
        .max(300, CURSOR_INVALID)
        .optional()
        .meta({ description: 'The `nextCursor` of the previous page (same `sort`), as given: opaque.' }),
    })
    .superRefine((query, context) => {
      if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: 'To must not be before from',
          params: { code: 'EVENT_RANGE_INVALID' },
        });
      }
      if (query.cursor !== undefined && !isCursor(query.cursor, query.sort)) {
        context.addIssue({ code: 'custom', path: ['cursor'], message: CURSOR_INVALID });
      }
    });

const eventIdParams = z.object({ id: z.uuid({ error: 'Event id must be a UUID' }) });

const createEvent = defineOperation({
  operationId: 'createEvent',
  method: 'post',
  path: '/api/events',
  summary: 'Add an event to the catalog',
  description:
    'The signed-in user becomes its organizer; the event is version 0 and `event.created` is published. It must start in the future.',
  auth: 'required',
  body: eventInput,
  responses: { 201: { description: 'The new event (nothing on sale yet).', body: eventJson } },
  errors: { 400: ['EVENT_START_IN_PAST'] },
});

const listEvents = defineOperation({
  operationId: 'listEvents',
  method: 'get',
  path: '/api/events',
  summary: 'Browse the catalog',
  description:
    'Every event (past ones too: narrow with `from`), a page at a time (keyset pagination: pages never repeat or skip an event of an unchanged catalog), each with its count of tickets on sale and their lowest price.',
  auth: 'none',
  query: listEventsQuery(),
  responses: revalidatedResponses({ description: 'A page of events.', body: eventPageJson }),
  errors: { 400: ['EVENT_RANGE_INVALID'] },
});

const showEvent = defineOperation({
  operationId: 'showEvent',
  method: 'get',
  path: '/api/events/{id}',
  summary: 'An event with its tickets on sale',
  auth: 'none',
  params: eventIdParams,
  responses: revalidatedResponses({ description: 'The event and its listings.', body: eventWithListingsJson }),
  errors: { 404: ['EVENT_NOT_FOUND'] },
});

const updateEvent = defineOperation({
  operationId: 'updateEvent',
  method: 'put',
  path: '/api/events/{id}',
  summary: 'Edit an event',
  description:
    'Its organizer replaces its details (the new start must be in the future): its version goes up by one and `event.updated` is published.',
  auth: 'required',
  params: eventIdParams,
  body: eventInput,
  responses: { 200: { description: 'The edited event.', body: eventJson } },
  errors: { 400: ['EVENT_START_IN_PAST'], 401: ['EVENT_NOT_ORGANIZER'], 404: ['EVENT_NOT_FOUND'] },
});

/** The catalog's operations (served by the tickets service under `/api/events`), by name. */
export const eventsOperations = { createEvent, listEvents, showEvent, updateEvent };
