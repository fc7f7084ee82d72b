import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** The header that carries the request id in and out of every service. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Paths probed every few seconds by Kubernetes and Prometheus: logging them would drown the rest. */
const QUIET_PATHS = new Set(['/livez', '/readyz', '/metrics']);

/** Returns the incoming `x-request-id` when it is safe to log and echo, or a fresh UUID. */
export function resolveRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Gives every request an id (the caller's `x-request-id` when sane, else a UUID), stores it in
 * `req.id` and echoes it in the response's `x-request-id`, so a log line can be traced across
 * services.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/**
 * The id {@link requestContext} gave this request. Services pass it as the `correlationId` of the
 * events a request causes, so one id traces a purchase through every service's logs.
 */
export function requestId(req: Request): string {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : randomUUID();
}

declare global {
  namespace Express {
    interface Request {
      /** The request id (see {@link requestContext}). */
      id?: string;
      /** The service logger, for what a handler logs about this request (with its `reqId`). */
      log?: Logger;
    }
  }
}

/**
 * Logs one short line per response that needs a look, bound to the service logger, except for
 * the health and metrics probes: `request completed` with `req: { id, method, url }`,
 * `res: { statusCode }` and `responseTime` (ms), at warn for a 4xx, `request errored` at error for
 * a 5xx (the error itself is logged by the error handler), and `request aborted` at warn when the
 * client went away before the response was sent. A successful answer (below 400) is logged at
 * debug: at the default level (info) it costs no work, since every request is already counted and
 * timed by route and status in `http_request_duration_seconds`, and ingress-nginx logs each one it
 * passes on. Sets `req.id` (as {@link requestContext} does, when it did not run) and `req.log`.
 *
 * A few lines of its own rather than pino-http, which built a child logger per request and
 * serialised, redacted and wrapped the whole request and response to log these few fields: the
 * bench's profile put it at about a tenth of a simple request's CPU time.
 */
export function httpLogger(logger: Logger): RequestHandler {
  // The line holds only the fields below, none of them a redacted path: redaction would only
  // cost time (the request's URL was never covered by it).
  const access = logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    if (!req.id) {
      req.id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, req.id);
    }
    req.log = logger;
    if (QUIET_PATHS.has(pathOf(req.url))) return next();
    const startedAt = performance.now();
    const { method, url } = req;
    // 'close' follows every response: after it was sent, or when the connection went first.
    res.once('close', () => {
      const { statusCode } = res;
      const sent = res.writableFinished;
      const level = !sent ? 'warn' : statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'debug';
      if (!access.isLevelEnabled(level)) return;
      const line = {
        req: { id: req.id, method, url },
        res: { statusCode },
        responseTime: Math.round(performance.now() - startedAt),
      };
      access[level](line, !sent ? 'request aborted' : statusCode >= 500 ? 'request errored' : 'request completed');
    });
    next();
  };
}

function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
