import { checkApi } from '@/lib/api-health';

/** Dependencies, for people and blackbox probes (never a kubelet probe): the API through API_URL. */
export const dynamic = 'force-dynamic';

export async function GET() {
  const headers = { 'cache-control': 'no-store' };
  const api = await checkApi();
  return Response.json(
    { status: api.ok ? 'ok' : 'degraded', checks: { api: api.ok ? 'ok' : `error: ${api.reason}` } },
    { status: api.ok ? 200 : 503, headers },
  );
}
