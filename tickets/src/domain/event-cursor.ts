import type { EventSort } from '@ticketing/common';
import { z } from 'zod';

/** A position in the catalog: the last event of the previous page, with its sort key. */
export interface EventPosition {
  sort: EventSort;
  startsAt: Date;
  id: string;
  /** The event's lowest available price (cents) when the page was read; null when nothing was on sale. Sort `price` only. */
  lowestPriceCents: number | null;
}

const payload = z.strictObject({
  s: z.enum(['startsAt', 'price']),
  t: z.iso.datetime(),
  id: z.uuid(),
  // A price in cents as the table holds them (its check): a larger one would overflow the query's integer.
  p: z.int().positive().max(100_000_000).nullable(),
});

/** The opaque `cursor` of `GET /api/events`: base64url of `{ s, t, id, p }`. Clients must not build it. */
export function encodeEventCursor({ sort, startsAt, id, lowestPriceCents }: EventPosition): string {
  const p = sort === 'price' ? lowestPriceCents : null;
  return Buffer.from(JSON.stringify({ s: sort, t: startsAt.toISOString(), id, p })).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued for `sort`. */
export function decodeEventCursor(cursor: unknown, sort: EventSort): EventPosition | undefined {
  if (typeof cursor !== 'string' || cursor.length > 300) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payload.safeParse(json);
  if (!parsed.success || parsed.data.s !== sort) return undefined;
  if (sort === 'startsAt' && parsed.data.p !== null) return undefined;
  const startsAt = new Date(parsed.data.t);
  // Only canonical timestamps (the ones encodeEventCursor writes): no 30 February reaches Postgres.
  if (Number.isNaN(startsAt.getTime()) || startsAt.toISOString() !== parsed.data.t) return undefined;
  return { sort, startsAt, id: parsed.data.id, lowestPriceCents: parsed.data.p };
}
