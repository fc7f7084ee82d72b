import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { CustomError, type ErrorItem } from '../errors';
import { createLogger } from '../logging/logger';

/**
 * The answers to the body-parser failures a client can cause, by their `type`; their own messages
 * are not echoed.
 */
const CLIENT_ERRORS: Record<string, { message: string; code: string }> = {
  'entity.parse.failed': { message: 'Malformed JSON body', code: 'MALFORMED_JSON' },
  'entity.too.large': { message: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' },
  'encoding.unsupported': { message: 'Unsupported content encoding', code: 'UNSUPPORTED_ENCODING' },
  'charset.unsupported': { message: 'Unsupported charset', code: 'UNSUPPORTED_CHARSET' },
  'request.aborted': { message: 'Request aborted', code: 'REQUEST_ABORTED' },
  'request.size.invalid': { message: 'Request size did not match content length', code: 'REQUEST_SIZE_INVALID' },
};

/** The code of the generic 500 answer to an unexpected error. */
export const INTERNAL_ERROR = 'INTERNAL_ERROR';

let fallbackLogger: Logger | undefined;

/**
 * The one error middleware, mounted last. A {@link CustomError} answers with its status and
 * serialized items; a client error raised by Express or body-parser (malformed JSON, body too
 * large, bad charset, malformed URL parameter) answers with its 4xx status, a fixed message and
 * a code; anything else is logged with the request id and answers 500 `INTERNAL_ERROR` with a
 * generic message, never a stack. Every item of every answer has a `code`.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    // Too late to answer: Express's final handler closes the connection.
    next(err);
    return;
  }

  if (err instanceof CustomError) {
    send(res, err.statusCode, err.serialize());
    return;
  }

  const status = clientErrorStatus(err);
  if (status !== undefined) {
    const type = (err as { type?: unknown }).type;
    const known = typeof type === 'string' ? CLIENT_ERRORS[type] : undefined;
    // Any other one (a malformed percent-encoding in the path, say) keeps its status with the standard reason.
    send(res, status, [known ?? { message: STATUS_CODES[status] ?? 'Bad request', code: 'BAD_REQUEST' }]);
    return;
  }

  // The handler may run in an app without httpLogger, which sets `req.log`.
  const log: Logger = req.log ?? getFallbackLogger();
  log.error(
    { err, reqId: req.id, req: { id: req.id, method: req.method, url: req.originalUrl } },
    'Unhandled error while handling request',
  );
  send(res, 500, [{ message: 'Something went wrong', code: INTERNAL_ERROR }]);
};

function getFallbackLogger(): Logger {
  if (!fallbackLogger) fallbackLogger = createLogger('http');
  return fallbackLogger;
}

function send(res: Response, status: number, errors: ErrorItem[]): void {
  res.status(status).json({ errors });
}

/** The 4xx status of an http-errors style error (body-parser, router), if it is one. */
function clientErrorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500 ? value : undefined;
}
