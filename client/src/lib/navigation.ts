/**
 * A full page load, used after signing in or out: the header (rendered by the root layout on the
 * server) must be rendered again with the new session, which a client-side navigation would keep.
 */
export function hardNavigate(url: string): void {
  window.location.assign(url);
}

/** `next` from a query string, if it is a path on this site (never `//evil.example` or a URL). */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return fallback;
  }
  return next;
}

/** The sign-in page, coming back to `path` afterwards. */
export function signInPath(path: string): string {
  return `/auth/signin?next=${encodeURIComponent(path)}`;
}
