import { randomUUID } from 'node:crypto';
import { signin } from '@ticketing/common/testing';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `Cookie` header for a signed-in user (forged with the platform's JWT key). */
export function cookieFor(jwtKey: string, id: string = randomUUID()): string {
  return signin({ jwtKey, id, email: `bench-${id.slice(0, 8)}@bench.dev` }).join('; ');
}

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field by the scenarios
  body: any;
}

/**
 * A `Cookie` header of a new account signed up through auth at `authUrl`: a real session, the
 * way a browser gets one.
 */
export async function signUpCookie(authUrl: string): Promise<string> {
  const email = `bench-${randomUUID().slice(0, 8)}@bench.dev`;
  const response = await fetch(`${authUrl}/api/users/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password' }),
  });
  if (response.status !== 201) throw new Error(`sign-up at auth answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  if (!cookie.startsWith('session=')) throw new Error('sign-up at auth set no session cookie');
  return cookie;
}

/** One JSON request with fetch. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  { cookie, json }: { cookie?: string; json?: unknown } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (json !== undefined) headers['content-type'] = 'application/json';
  if (cookie) headers.cookie = cookie;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The q-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Polls `check` every `intervalMs` until it returns true; throws with `what` after the time-out. */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
