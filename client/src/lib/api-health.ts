import { getJson } from '@/lib/http-json';
import { apiBaseUrl } from '@/lib/server-config';

const TIMEOUT_MS = 2_000;

/**
 * Whether the API the pages are rendered from answers through API_URL (the auth service's
 * currentuser route, which needs no session). A dependency: reported by /healthz/details and the
 * metrics, never by /readyz, so a DNS or auth problem never takes the static pages down with it.
 * The details (addresses) go to the log, not to whoever asks.
 */
export async function checkApi(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const target = `${apiBaseUrl()}/api/users/currentuser`;
  try {
    const response = await getJson(target, process.env.API_HOST ? { host: process.env.API_HOST } : {}, TIMEOUT_MS);
    if (response.status === 200) return { ok: true };
    return { ok: false, reason: `the API answered ${response.status}` };
  } catch (error) {
    console.error(`[client] health: ${target} unreachable: ${(error as Error).message}`);
    return { ok: false, reason: 'the API is unreachable' };
  }
}
