import type { CurrencyCode } from '@ticketing/common';
import { body, param, query } from 'express-validator';
import { decodeCursor } from '../domain/cursor';
import { priceProblem } from '../domain/money';

export const MAX_TITLE_LENGTH = 200;
export const MAX_SEARCH_LENGTH = 200;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

// A surrogate without its partner is not text (String.prototype.isWellFormed is not in ES2023's lib).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** C0 controls and DEL: a NUL would make Postgres fail (a 500), the others have no place in a title. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Throws the message of the first problem with a free-text value, so express-validator reports it. */
function checkText(value: string, label: string, max: number): true {
  if (LONE_SURROGATE.test(value)) throw new Error(`${label} must be valid Unicode text`);
  if (hasControlCharacter(value)) throw new Error(`${label} must not contain control characters`);
  // Counted in code points, like Postgres' char_length (the check constraint).
  if ([...value].length > max) throw new Error(`${label} must be at most ${max} characters`);
  return true;
}

export const titleField = body('title')
  .isString()
  .withMessage('Title must be a string')
  .bail()
  .trim()
  .notEmpty()
  .withMessage('Title is required')
  .bail()
  .custom((title: string) => checkText(title, 'Title', MAX_TITLE_LENGTH));

/** A JSON number in `currency`: "20" is rejected rather than coerced, so a client bug shows up at once. */
export const priceField = (currency: CurrencyCode) =>
  body('price').custom((price: unknown) => {
    const problem = priceProblem(price, currency);
    if (problem) throw new Error(problem);
    return true;
  });

/**
 * Rejects every key outside `allowed`, each as an error naming it, so a client that sends
 * `version`, `userId` or a misspelt field learns of it instead of being silently ignored.
 */
export const onlyBodyFields = (...allowed: string[]) =>
  body('*').custom((_value, { path }) => {
    if (!allowed.includes(path)) throw new Error('Unknown field');
    return true;
  });

export const onlyQueryParameters = (...allowed: string[]) =>
  query('*').custom((_value, { path }) => {
    if (!allowed.includes(path)) throw new Error('Unknown query parameter');
    return true;
  });

export const ticketIdParam = param('id').isUUID().withMessage('Ticket id must be a UUID');

// Express 5 parses req.query anew on every read, so sanitizers cannot change it: these chains
// only validate, and parseListQuery converts.
export const listQuery = [
  onlyQueryParameters('cursor', 'limit', 'q', 'mine'),
  query('limit')
    .optional()
    .isInt({ min: 1, max: MAX_PAGE_SIZE, allow_leading_zeroes: false })
    .withMessage(`Limit must be an integer between 1 and ${MAX_PAGE_SIZE}`),
  query('q')
    .optional()
    .isString()
    .withMessage('Search must be a single string')
    .bail()
    .custom((q: string) => checkText(q, 'Search', MAX_SEARCH_LENGTH)),
  query('mine').optional().isIn(['true', 'false']).withMessage('Mine must be true or false'),
  query('cursor')
    .optional()
    .custom((cursor: unknown) => decodeCursor(cursor) !== undefined)
    .withMessage('Cursor is not valid; use nextCursor from a previous page'),
];
