import { headers } from 'next/headers';
import { cache } from 'react';
import { getJson } from './http-json';
import { apiBaseUrl } from './server-config';
import type { ApiErrorItem, CurrentUser, CurrentUserAnswer, PaymentMode, PayoutAccount } from './types';

export type { PaymentMode } from './types';

/** What a server component gets back: the data, or why there is none. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; errors: ApiErrorItem[]; unreachable: boolean };

const TIMEOUT_MS = 8_000;

/** Headers of the incoming request worth passing on: the session cookie, the host, the request id. */
async function forwardedHeaders(): Promise<Record<string, string>> {
  const incoming = await headers();
  const out: Record<string, string> = {};
  const cookie = incoming.get('cookie');
  if (cookie) out.cookie = cookie;
  // The Ingress routes by host: calls through it must name the host the browser used.
  const host = process.env.API_HOST?.trim() || incoming.get('host');
  if (host && /^[A-Za-z0-9.:[\]-]+$/.test(host)) out.host = host;
  const requestId = incoming.get('x-request-id');
  if (requestId && /^[\w.:-]{1,128}$/.test(requestId)) out['x-request-id'] = requestId;
  return out;
}

/** GET an API path on behalf of the visitor (their cookie goes along). Never throws. */
export async function apiGet<T>(path: string): Promise<ApiResult<T>> {
  // Outside the try: headers() throws on purpose during prerendering to mark the route dynamic.
  const forwarded = await forwardedHeaders();
  let response: Awaited<ReturnType<typeof getJson>>;
  try {
    response = await getJson(`${apiBaseUrl()}${path}`, forwarded, TIMEOUT_MS);
  } catch (error) {
    console.error(`[client] GET ${path} failed: ${(error as Error).message}`);
    return {
      ok: false,
      status: 0,
      errors: [{ message: 'The service could not be reached', code: 'SERVICE_UNREACHABLE' }],
      unreachable: true,
    };
  }
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: response.status, data: response.body as T };
  }
  const body = response.body as { errors?: ApiErrorItem[] } | null;
  const errors = Array.isArray(body?.errors)
    ? body.errors
    : [{ message: `HTTP ${response.status}`, code: 'UNEXPECTED_ANSWER' }];
  // The gateway answers 502 when the service behind it is down: as good as unreachable.
  return { ok: false, status: response.status, errors, unreachable: response.status >= 500 };
}

export interface Session {
  user: CurrentUser | null;
  /** The auth service did not answer: the visitor may well be signed in. */
  unknown: boolean;
}

/** The signed-in user, once per request however many components ask. */
export const getSession = cache(async (): Promise<Session> => {
  const result = await apiGet<CurrentUserAnswer>('/api/users/currentuser');
  if (!result.ok) return { user: null, unknown: true };
  return { user: result.data?.currentUser ?? null, unknown: false };
});

const MODE_TTL_MS = 60_000;
let knownMode: { mode: PaymentMode; until: number } | undefined;

/**
 * The payments mode, asked at most once a minute (it changes only when payments restarts with
 * other settings). Undefined while payments cannot be reached: nothing is claimed then.
 */
export const getPaymentMode = cache(async (): Promise<PaymentMode | undefined> => {
  if (knownMode && knownMode.until > Date.now()) return knownMode.mode;
  const result = await apiGet<PaymentMode>('/api/payments/mode');
  if (!result.ok) return undefined;
  knownMode = { mode: result.data, until: Date.now() + MODE_TTL_MS };
  return result.data;
});

/**
 * The signed-in seller's payout account, once per request; undefined when payments did not answer
 * (pages then say nothing about payouts rather than something wrong).
 */
export const getPayoutAccount = cache(async (): Promise<PayoutAccount | undefined> => {
  const result = await apiGet<PayoutAccount>('/api/payments/payout-account');
  return result.ok ? result.data : undefined;
});
