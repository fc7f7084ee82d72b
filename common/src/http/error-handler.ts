import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { CustomError, type ErrorItem } from '../errors';
import { createLogger } from '../logging/logger';

/** Messages for the body-parser failures a client can cause; their own messages are not echoed. */
const CLIENT_ERROR_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON body',
  'entity.too.large': 'Request body is too large',
  'encoding.unsupported': 'Unsupported content encoding',
  'charset.unsupported': 'Unsupported charset',
  'request.aborted': 'Request aborted',
  'request.size.invalid': 'Request size did not match content length',
  'parameters.too.many': 'Too many parameters',
};

let fallbackLogger: Logger | undefined;

/**
 * The one error middleware, mounted last. A {@link CustomError} answers with its status and
 * serialized items; a client error raised by Express or body-parser (malformed JSON, body too
 * large, bad charset, malformed URL parameter) answers with its 4xx status and a fixed message;
 * anything else is logged with the request id and answers 500 with a generic message, never a stack.
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
    const message =
      (typeof type === 'string' ? CLIENT_ERROR_MESSAGES[type] : undefined) ?? STATUS_CODES[status] ?? 'Bad request';
    send(res, status, [{ message }]);
    return;
  }

  // pino-http types `req.log` as always present, but the handler may run in an app without it.
  const log: Logger = (req.log as Logger | undefined) ?? getFallbackLogger();
  log.error({ err, reqId: req.id }, 'Unhandled error while handling request');
  send(res, 500, [{ message: 'Something went wrong' }]);
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
