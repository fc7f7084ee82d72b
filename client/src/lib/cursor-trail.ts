/**
 * The API pages forward only (an opaque `cursor`, `nextCursor` in each answer). To offer
 * "Previous" without keeping state anywhere, the URL carries the cursors of the pages before the
 * current one in `back` (dot-separated: cursors are base64url, which has no dot).
 */
export interface CursorTrail {
  /** The page's path, e.g. "/" or "/tickets/mine". */
  path: string;
  /** Other query parameters to keep, e.g. the search. */
  params: Record<string, string>;
  /** The current page's cursor; undefined on the first page. */
  cursor?: string;
  /** Cursors of the pages between the first and the current one, oldest first. */
  back: string[];
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const MAX_TRAIL = 50;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function readTrail(
  path: string,
  searchParams: Record<string, string | string[] | undefined>,
  keep: Record<string, string>,
): CursorTrail {
  const raw = first(searchParams.cursor);
  const cursor = raw && CURSOR.test(raw) ? raw : undefined;
  const back = (first(searchParams.back) ?? '').split('.').filter((c) => CURSOR.test(c));
  return { path, params: keep, cursor, back: cursor ? back.slice(-MAX_TRAIL) : [] };
}

function href(trail: CursorTrail, cursor: string | undefined, back: string[]): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(trail.params)) if (value) query.set(key, value);
  if (cursor) query.set('cursor', cursor);
  if (cursor && back.length > 0) query.set('back', back.join('.'));
  const qs = query.toString();
  return qs ? `${trail.path}?${qs}` : trail.path;
}

export function nextPageHref(trail: CursorTrail, nextCursor: string): string {
  const back = trail.cursor ? [...trail.back, trail.cursor].slice(-MAX_TRAIL) : [];
  return href(trail, nextCursor, back);
}

/** Null on the first page. */
export function previousPageHref(trail: CursorTrail): string | null {
  if (!trail.cursor) return null;
  return href(trail, trail.back.at(-1), trail.back.slice(0, -1));
}
