/**
 * A full page load, used after signing in or out: the header (rendered by the root layout on the
 * server) must be rendered again with the new session, which a client-side navigation would keep.
 */
export function hardNavigate(url: string): void {
  window.location.assign(url);
}

/** Stands in for the site's own origin when `next` is resolved (the server does not know its public host). */
const SITE = 'https://site.invalid';

/**
 * `next` from a query string, if it is a path on this site; anything else gives `fallback`.
 * The value is resolved with the URL parser against the site and must keep its origin, so an
 * absolute URL (`https://evil.example`) or a protocol-relative one (`//evil.example`) is refused.
 * Control characters and backslashes are refused before parsing: browsers drop tabs and
 * newlines from URLs and read `\` as `/`, which turns `/%09/evil.example` or `/\evil.example`
 * into `//evil.example` after the check.
 */
export function safeNextPath(next: unknown, fallback = '/'): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (typeof next !== 'string' || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, SITE);
  } catch {
    return fallback;
  }
  if (url.origin !== SITE || next.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, coming back to `path` afterwards. */
export function signInPath(path: string): string {
  return `/auth/signin?next=${encodeURIComponent(path)}`;
}
