/**
 * Readiness: this process can serve its own requests (the Next server answers). Deliberately
 * not the API behind it: a DNS, load balancer or auth problem would otherwise take every client
 * pod, static pages included, out of the Ingress. The API's health is in /healthz/details.
 */
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ready' }, { headers: { 'cache-control': 'no-store' } });
}
