// The local gateway: one origin (http://localhost:3000) that routes paths exactly as the
// Kubernetes Ingress does — /api/users → auth, /api/tickets and /api/events → tickets,
// /api/orders → orders, /api/payments → payments, everything else → the client.
import http from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';

// Without an agent http-proxy sends `Connection: close` upstream and passes the upstream's
// `Connection: close` back: every API call then opens two TCP connections.
// An idle socket is dropped after 30 s, before a service would close it (65 s, common's
// KEEP_ALIVE_TIMEOUT_MS): were the service first, a request could go down a socket it is closing
// at that moment, and the visitor would get a 502 (seen with Node's default 5 s on the services).
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });

/** The accept queue of the gateway's socket: as deep as the services' (common's LISTEN_BACKLOG). */
export const LISTEN_BACKLOG = 4096;

function sendError(res, status, message, code) {
  if (res.headersSent) return res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, code }] }));
}

/** Does `url` fall under `prefix` (the prefix itself, or a sub-path of it)? */
export function matches(prefix, url) {
  if (prefix === '/') return true;
  const pathname = url.split('?')[0];
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/**
 * @param {{ prefix: string, name: string, target: () => string | undefined }[]} routes most
 *   specific first; `target()` is undefined while the app is starting (the route answers 503).
 */
export function createGateway(routes) {
  const proxies = routes.map((route) => ({
    ...route,
    proxy: createProxyMiddleware({
      router: () => route.target(),
      agent: upstreamAgent,
      xfwd: true,
      ws: route.prefix === '/',
      proxyTimeout: 30_000,
      on: {
        error: (_error, _req, res) => {
          if (res instanceof http.ServerResponse)
            sendError(res, 502, `The ${route.name} service is unavailable`, 'BAD_GATEWAY');
          else res.destroy();
        },
      },
    }),
  }));
  const pick = (url) => proxies.find((route) => matches(route.prefix, url ?? '/'));

  const server = http.createServer((req, res) => {
    const route = pick(req.url);
    if (!route) return sendError(res, 404, 'Route not found', 'NOT_FOUND');
    if (!route.target()) return sendError(res, 503, `The ${route.name} service is starting`, 'SERVICE_UNAVAILABLE');
    route.proxy(req, res, () => sendError(res, 404, 'Route not found', 'NOT_FOUND'));
  });
  server.on('upgrade', (req, socket, head) => {
    const route = pick(req.url);
    if (route?.target() && route.proxy.upgrade) route.proxy.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
