import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** What stands in for a value that must not reach the logs. */
export const REDACTED = '[redacted]';

/**
 * Paths pino redacts in every line: session cookies, authorization headers, tokens, passwords and
 * their hashes, card data — at the top of a line, one level down (`body.password`), and in a
 * request or response object logged whole. The request log line carries no headers or body in
 * the first place (see httpLogger); these catch whatever a caller passes.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.body.password',
  'req.body.token',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  ...['cookie', 'authorization', 'password', 'passwordHash', 'token', 'jwt', 'card', 'cardNumber', 'cvc'].flatMap(
    (key) => [key, `*.${key}`],
  ),
];

/** Property names whose value is a secret wherever it appears on an error. */
const SECRET_NAME = /pass(word|wd)?|secret|token|authori[sz]ation|cookie|session|jwt|api[-_]?key|card|cvc|cvv/i;

/**
 * Properties of errors that carry the values of a query or request: drizzle's `params` (and the
 * `query` it repeats in the message), pg's `detail` ("Failing row contains (…)", "Key (email)=(…)"),
 * `where` and `internalQuery`.
 */
const VALUE_CARRYING = new Set(['params', 'parameters', 'values', 'query', 'detail', 'where', 'internalQuery']);

/** How deep a chain of causes is followed: a cause chain may loop. */
const MAX_CAUSES = 5;

type ErrorLike = Error & Record<string, unknown>;

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';

/**
 * The pino serializer of errors (`err`, `error`): type, message, stack, code and the other plain
 * properties, and the cause chain — without query parameters, row values or secrets. A drizzle
 * query error keeps its SQL text (placeholders, no values); pg's `detail`, `where` and
 * `internalQuery` are dropped; a value quoted by a driver message ("invalid input syntax for type
 * uuid: "…"") and any parameter value found in a message or stack are replaced by `[redacted]`;
 * properties named like secrets are redacted and nested objects (request configs, responses) are
 * left out. Anything that is not an error is returned as it is.
 */
export function serializeError(error: unknown): unknown {
  if (!isErrorLike(error)) return error;
  const scrub = scrubber(parameterValues(error));
  return serializeOne(error, scrub, new Set());
}

function serializeOne(error: ErrorLike, scrub: (text: string) => string, seen: Set<unknown>): Record<string, unknown> {
  seen.add(error);
  const type = typeof error.constructor === 'function' && error.constructor.name ? error.constructor.name : error.name;
  const message = scrub(withoutParameters(error.message));
  const out: Record<string, unknown> = { type, message };
  if (typeof error.stack === 'string') {
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    out.stack = scrub([`${type}: ${message}`, ...frames].join('\n'));
  }
  for (const key of Object.keys(error)) {
    if (key in out || key === 'cause' || key === 'errors' || key === 'stack' || VALUE_CARRYING.has(key)) continue;
    const property = error[key];
    if (SECRET_NAME.test(key)) out[key] = REDACTED;
    else if (typeof property === 'string') out[key] = scrub(property);
    else if (typeof property === 'number' || typeof property === 'boolean') out[key] = property;
  }
  const { cause } = error;
  if (isErrorLike(cause) && !seen.has(cause) && seen.size < MAX_CAUSES) out.cause = serializeOne(cause, scrub, seen);
  if (Array.isArray(error.errors)) {
    out.errors = error.errors
      .filter((inner): inner is ErrorLike => isErrorLike(inner) && !seen.has(inner))
      .slice(0, MAX_CAUSES)
      .map((inner) => serializeOne(inner, scrub, seen));
  }
  return out;
}

/** drizzle's message is `Failed query: <sql>\nparams: <values>`: the SQL stays, the values go. */
function withoutParameters(message: string): string {
  const index = message.indexOf('\nparams: ');
  const text = index === -1 ? message : message.slice(0, index);
  // pg quotes the offending input after the type: invalid input syntax for type uuid: "…".
  return text.replace(/(for (?:type|enum) [^:]+): ".*"/s, `$1: ${REDACTED}`);
}

/** The values of every query in the error's chain, so that a copy of one in a message is caught too. */
function parameterValues(error: ErrorLike): string[] {
  const values = new Set<string>();
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && isErrorLike(current); depth++) {
    for (const key of ['params', 'parameters']) {
      const list = current[key];
      if (Array.isArray(list)) {
        for (const item of list) {
          const text = typeof item === 'string' ? item : typeof item === 'number' ? '' : JSON.stringify(item ?? '');
          // Short values (true, 1, an empty string) would blank out ordinary words; they say nothing about anyone.
          if (text && text.length >= 4) values.add(text);
        }
      }
    }
    current = current.cause;
  }
  return [...values].sort((a, b) => b.length - a.length);
}

function scrubber(values: string[]): (text: string) => string {
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/**
 * Creates the service's structured JSON logger. Every line carries the service name, so the
 * interleaved output of `npm start` and of a cluster can be filtered per service; errors are
 * serialized by {@link serializeError} and {@link REDACT_PATHS} are redacted. `destination`
 * defaults to stdout (tests pass one to read the lines).
 */
export function createLogger(
  service: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  return destination ? pino(options, destination) : pino(options);
}
