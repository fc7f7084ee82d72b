import { getJson } from '@/lib/http-json';
import { apiBaseUrl } from '@/lib/server-config';

/** Readiness: the app can reach the API it renders pages from (through API_URL). */
export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 2_000;

export async function GET() {
  const headers = { 'cache-control': 'no-store' };
  const target = `${apiBaseUrl()}/api/users/currentuser`;
  try {
    const response = await getJson(target, process.env.API_HOST ? { host: process.env.API_HOST } : {}, TIMEOUT_MS);
    if (response.status === 200) return Response.json({ status: 'ok' }, { headers });
    return Response.json(
      { status: 'unavailable', reason: `the API answered ${response.status}` },
      { status: 503, headers },
    );
  } catch (error) {
    // The details (addresses) go to the log, not to whoever asks.
    console.error(`[client] readiness: ${target} unreachable: ${(error as Error).message}`);
    return Response.json({ status: 'unavailable', reason: 'the API is unreachable' }, { status: 503, headers });
  }
}
