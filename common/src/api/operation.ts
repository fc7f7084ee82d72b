import type { z } from 'zod';
import { VALIDATION_FAILED } from '../errors/request-validation-error';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** A successful answer of an operation: its body's schema, or none (204). */
export interface SuccessResponse {
  description: string;
  body?: z.ZodType;
  /** Response headers worth documenting, name → description. */
  headers?: Record<string, string>;
}

/** The `Cache-Control` of the public reads (common's `revalidateEachTime`): the browser's cache only, asked again on every use. */
export const REVALIDATE_CACHE_CONTROL = 'private, no-cache';

/** The answers of a public read served with `revalidateEachTime`: `ok`, with its ETag, or a 304. */
export function revalidatedResponses(ok: SuccessResponse): Record<200 | 304, SuccessResponse> {
  return {
    200: {
      ...ok,
      headers: {
        ...ok.headers,
        'Cache-Control': `\`${REVALIDATE_CACHE_CONTROL}\`: kept by the browser only, and revalidated on every use`,
        ETag: 'Names this answer: sent back as `If-None-Match`, it gets a 304 while the answer is unchanged',
      },
    },
    304: { description: 'Not modified: the answer is still the one the `If-None-Match` ETag names (no body).' },
  };
}

/**
 * One HTTP operation of a service's public API: where it is, what it takes and what it answers.
 * The same object validates the request (`validate` in common's http), documents the operation
 * (the service's OpenAPI document) and types the web app's client, so none of them can drift.
 */
export interface ApiOperation {
  /** Unique in the whole platform, camelCase: the OpenAPI `operationId` and the client's method name. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI style: `/api/orders/{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** `required`: a 401 without a session; `optional`: a session changes the answer; `none`: public. */
  auth: 'required' | 'optional' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * Request headers the operation reads, by name (`Stripe-Signature`): documented as header
   * parameters. `validate` does not check them; the route does.
   */
  headers?: z.ZodObject;
  /**
   * The route reads the body as raw bytes (it is one of `createServiceApp`'s `rawBodyPaths`: a
   * signed webhook verifies the exact bytes) and checks its input itself, with its own codes:
   * `body` only documents it, `validate` does not apply, and there is no `VALIDATION_FAILED`.
   */
  rawBody?: true;
  /** Status → the successful answer (2xx). */
  responses: Record<number, SuccessResponse>;
  /**
   * Status → the error codes the operation itself can answer with (`{ errors: [{ message, code,
   * field? }] }`), besides those every operation shares ({@link COMMON_ERRORS}).
   */
  errors: Record<number, readonly string[]>;
}

/** Codes any operation can answer: the HTTP layer's (body parsing) and an unexpected failure. */
export const COMMON_ERRORS: Record<number, readonly string[]> = {
  400: ['MALFORMED_JSON', 'BAD_REQUEST', 'REQUEST_ABORTED', 'REQUEST_SIZE_INVALID'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_CHARSET', 'UNSUPPORTED_ENCODING'],
  500: ['INTERNAL_ERROR'],
};

/** Every error code `operation` can answer with, by status: its own, validation's and the shared ones. */
export function errorCodesOf(operation: ApiOperation): Record<number, string[]> {
  const codes: Record<number, string[]> = {};
  const add = (status: number, list: readonly string[]) => {
    codes[status] = [...new Set([...(codes[status] ?? []), ...list])];
  };
  if (!operation.rawBody && (operation.params || operation.query || operation.body)) add(400, [VALIDATION_FAILED]);
  for (const [status, list] of Object.entries(operation.errors)) add(Number(status), list);
  for (const [status, list] of Object.entries(COMMON_ERRORS)) add(Number(status), list);
  if (operation.auth === 'required') add(401, ['NOT_AUTHORIZED']);
  return codes;
}

/** A service's public API: the operations under its path prefix. */
export interface ServiceApi {
  service: string;
  title: string;
  description: string;
  /** The path every operation starts with; the OpenAPI document is served at `<prefix>/openapi.json`. */
  prefix: string;
  /** Further path prefixes the service answers under (tickets: `/api/events`); its operations start with one of them. */
  otherPrefixes?: readonly string[];
  operations: readonly ApiOperation[];
}

/** Every path prefix of `api`: its own, then the others. */
export const prefixesOf = (api: Pick<ServiceApi, 'prefix' | 'otherPrefixes'>): string[] => [
  api.prefix,
  ...(api.otherPrefixes ?? []),
];

/** Types an operation while keeping its literal shape (so its schemas' types reach the handlers and the client). */
export const defineOperation = <const O extends ApiOperation>(operation: O): O => operation;

/** `/api/orders/{id}` → `/api/orders/:id`, the route Express matches. */
export const expressPath = (operation: Pick<ApiOperation, 'path'>): string =>
  operation.path.replace(/\{(\w+)\}/g, ':$1');

/** The input of an operation once validated: what a route handler reads. */
export interface OperationInput<O extends ApiOperation> {
  params: O['params'] extends z.ZodType ? z.output<O['params']> : Record<string, never>;
  query: O['query'] extends z.ZodType ? z.output<O['query']> : Record<string, never>;
  body: O['body'] extends z.ZodType ? z.output<O['body']> : undefined;
}

/** The body a client sends to an operation. */
export type RequestBody<O extends ApiOperation> = O['body'] extends z.ZodType ? z.input<O['body']> : undefined;

/** The body of an operation's answer with `status`. */
export type ResponseBody<O extends ApiOperation, S extends keyof O['responses']> = O['responses'][S] extends {
  body: z.ZodType;
}
  ? z.output<O['responses'][S]['body']>
  : undefined;
