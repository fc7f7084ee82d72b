import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { serializeError } from '../logging/logger';

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

/**
 * pino-http middleware bound to the service logger: `req.log` carries the request id, and one line
 * is logged per response except for the health and metrics probes.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      if (req.id) return req.id;
      const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(pathOf(req.url)) },
    // One short line per request: the full request and response headers (helmet's alone are
    // ~1 kB) made every line 1.3 kB to serialise, redact and pipe.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // pino-http's own error serializer (pino's standard one) would override the logger's, and
      // it copies every property: a query's parameters, pg's row detail.
      err: serializeError,
    },
  });
}

function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
