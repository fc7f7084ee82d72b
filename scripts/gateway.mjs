// The local gateway: one origin (http://localhost:3000) that routes paths exactly as the
// Kubernetes Ingress does — /api/users → auth, /api/tickets and /api/events → tickets,
// /api/orders → orders, /api/payments → payments, everything else → the client.
//
// A plain node:http reverse proxy, as small as the job: every API call passes through it, and
// http-proxy-middleware's layers (its router, path rewriting, event plumbing and per-request
// option merging) cost more CPU per request than the services' own middleware.
import http from 'node:http';

// Without an agent each request would open a new TCP connection upstream.
// An idle socket is dropped after 30 s, before a service would close it (65 s, common's
// KEEP_ALIVE_TIMEOUT_MS): were the service first, a request could go down a socket it is closing
// at that moment, and the visitor would get a 502 (seen with Node's default 5 s on the services).
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });

/** The accept queue of the gateway's socket: as deep as the services' (common's LISTEN_BACKLOG). */
export const LISTEN_BACKLOG = 4096;

/** How long an upstream may take to answer (or stay silent mid-answer) before the caller gets a 502. */
export const PROXY_TIMEOUT_MS = 30_000;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so they are not passed on;
 * each side's Node manages its own keep-alive. `transfer-encoding` stays on requests (a chunked
 * body is forwarded chunked) and is left to Node on answers.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

function sendError(res, status, message, code) {
  if (res.headersSent) return res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, code }] }));
}

/** Does `url` fall under `prefix` (the prefix itself, or a sub-path of it)? */
export function matches(prefix, url) {
  if (prefix === '/') return true;
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** `http://127.0.0.1:4001` → its host and port, parsed once per target. */
const endpoints = new Map();
function endpointOf(target) {
  let endpoint = endpoints.get(target);
  if (!endpoint) {
    const url = new URL(target);
    endpoint = { hostname: url.hostname, port: Number(url.port || 80) };
    endpoints.set(target, endpoint);
  }
  return endpoint;
}

/**
 * The request's headers as the service receives them: the Host the visitor asked for (kept, so
 * the services see the public origin), X-Forwarded-For/-Port/-Proto appended to what came in (as
 * http-proxy's `xfwd` does), X-Forwarded-Host kept or set from Host; hop-by-hop headers dropped
 * unless `keep` (an upgrade needs its Connection and Upgrade).
 */
function upstreamHeaders(req, keepHopByHop) {
  const headers = {};
  const raw = req.headers;
  for (const name in raw) {
    if (keepHopByHop || !HOP_BY_HOP.has(name)) headers[name] = raw[name];
  }
  const encrypted = Boolean(req.socket.encrypted);
  const hostPort = /:(\d+)$/.exec(raw.host ?? '')?.[1];
  const values = {
    'x-forwarded-for': req.socket.remoteAddress ?? '',
    'x-forwarded-port': hostPort ?? (encrypted ? '443' : '80'),
    'x-forwarded-proto': encrypted ? 'https' : 'http',
  };
  for (const name in values) {
    const before = raw[name];
    headers[name] = before ? `${before},${values[name]}` : values[name];
  }
  headers['x-forwarded-host'] = raw['x-forwarded-host'] || raw.host || '';
  return headers;
}

/** The upstream's answer headers without its hop-by-hop ones (Node frames the answer itself). */
function answerHeaders(upstream) {
  const headers = {};
  const raw = upstream.headers;
  for (const name in raw) {
    if (!HOP_BY_HOP.has(name) && name !== 'transfer-encoding') headers[name] = raw[name];
  }
  return headers;
}

function proxyRequest(route, target, req, res) {
  const { hostname, port } = endpointOf(target);
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    sendError(res, 502, `The ${route.name} service is unavailable`, 'BAD_GATEWAY');
  };
  const upstream = http.request({
    hostname,
    port,
    method: req.method,
    path: req.url,
    headers: upstreamHeaders(req, false),
    agent: upstreamAgent,
  });
  upstream.setTimeout(PROXY_TIMEOUT_MS, () => upstream.destroy(new Error('upstream timed out')));
  upstream.on('error', fail);
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer));
    answer.on('error', fail);
    answer.pipe(res);
  });
  // The visitor went away before the answer was complete: stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/** Writes an HTTP answer head onto a raw socket (the upgrade path has no ServerResponse). */
function writeHead(socket, answer) {
  let head = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`;
  const raw = answer.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  socket.write(`${head}\r\n`);
}

/** A websocket (the client's dev server): the upgrade is forwarded, then bytes flow both ways. */
function proxyUpgrade(target, req, socket, head) {
  const { hostname, port } = endpointOf(target);
  socket.setTimeout(0);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 0);
  // Its own connection, not the pool's: an upgraded socket never returns to the pool.
  const upstream = http.request({
    hostname,
    port,
    method: req.method,
    path: req.url,
    headers: upstreamHeaders(req, true),
    agent: false,
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  upstream.on('response', (answer) => {
    // Refused the upgrade: pass its answer on and close.
    if (!socket.writable) return answer.resume();
    writeHead(socket, answer);
    answer.pipe(socket);
  });
  upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    upstreamSocket.setTimeout(0);
    upstreamSocket.setNoDelay(true);
    if (upstreamHead?.length) socket.unshift(upstreamHead);
    writeHead(socket, answer);
    if (head?.length) upstreamSocket.write(head);
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
  });
  upstream.end();
}

/**
 * @param {{ prefix: string, name: string, target: () => string | undefined }[]} routes most
 *   specific first; `target()` is undefined while the app is starting (the route answers 503).
 *   Only the `/` route (the client) takes websocket upgrades.
 */
export function createGateway(routes) {
  const pick = (url) => routes.find((route) => matches(route.prefix, url ?? '/'));

  const server = http.createServer((req, res) => {
    const route = pick(req.url);
    if (!route) return sendError(res, 404, 'Route not found', 'NOT_FOUND');
    const target = route.target();
    if (!target) return sendError(res, 503, `The ${route.name} service is starting`, 'SERVICE_UNAVAILABLE');
    proxyRequest(route, target, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const route = pick(req.url);
    const target = route?.prefix === '/' ? route.target() : undefined;
    if (target) proxyUpgrade(target, req, socket, head);
    else socket.destroy();
  });
  return server;
}
