/**
 * One entry of the `errors` array every service answers with: `{ errors: [{ message, code, field? }] }`.
 * `message` is for people and may change; `code` is for programs and does not.
 */
export interface ErrorItem {
  message: string;
  /** Stable machine-readable code, e.g. `TICKET_RESERVED`; the README lists each endpoint's codes. */
  code: string;
  /** The input field the item is about, when there is one. */
  field?: string;
}

/** The JSON body of every error response. */
export interface ErrorResponse {
  errors: ErrorItem[];
}

/**
 * Base of every error a service throws on purpose: it knows its HTTP status, carries a stable
 * namespaced `code` (e.g. `TICKET_RESERVED`) that callers and logs can rely on, and serializes
 * itself into the `errors` array of the response.
 */
export abstract class CustomError extends Error {
  /** The HTTP status the error handler answers with. */
  abstract readonly statusCode: number;

  /** Stable machine-readable code; messages may change, codes do not. */
  readonly code: string;

  protected constructor(message: string, code: string) {
    // An answer, not a fault: the error handler never logs these, so capturing the stack (about
    // 50 µs, on every 404, 409 or 400) would be wasted. The name, message and code say what happened.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.code = code;
  }

  /** The items of the response's `errors` array; never includes internals such as the stack. */
  serialize(): ErrorItem[] {
    return [{ message: this.message, code: this.code }];
  }
}
