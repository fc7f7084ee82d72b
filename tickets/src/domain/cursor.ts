import { z } from 'zod';

/** A position in a listing ordered by (created_at, id) descending: the last ticket of the previous page. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

const payload = z.strictObject({ t: z.iso.datetime(), id: z.uuid() });

/** The opaque `cursor` of `GET /api/tickets`: base64url of `{ t, id }`. Clients must not build it. */
export function encodeCursor({ createdAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify({ t: createdAt.toISOString(), id })).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeCursor(cursor: unknown): ListPosition | undefined {
  if (typeof cursor !== 'string' || cursor.length > 200) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payload.safeParse(json);
  if (!parsed.success) return undefined;
  const createdAt = new Date(parsed.data.t);
  // Only canonical timestamps (the ones encodeCursor writes): no 30 February reaches Postgres.
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== parsed.data.t) return undefined;
  return { createdAt, id: parsed.data.id };
}
