import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import type { ApiOperation, OperationInput } from '../api/operation';
import { type ErrorItem, RequestValidationError, VALIDATION_FAILED } from '../errors';

const INPUT = Symbol('validated input');

type Part = 'params' | 'query' | 'body';

/** Field paths as clients name them: `ticketId`, `seat.row`. */
const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** The error items of a failed parse: one per field (its first broken rule), unknown keys one each. */
function itemsOf(error: z.ZodError, part: Part): ErrorItem[] {
  const items = new Map<string, ErrorItem>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const what =
        part === 'body' ? 'Unknown field' : part === 'query' ? 'Unknown query parameter' : 'Unknown parameter';
      for (const key of issue.keys) {
        const field = fieldOf([...issue.path, key]);
        if (!items.has(field)) items.set(field, { message: what, code: VALIDATION_FAILED, field });
      }
      continue;
    }
    const field = fieldOf(issue.path);
    if (items.has(field)) continue;
    // A rule may name a code of its own (`params: { code }` on a refinement).
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    items.set(field, {
      message: issue.message,
      code: typeof own === 'string' ? own : VALIDATION_FAILED,
      ...(field ? { field } : {}),
    });
  }
  return [...items.values()];
}

const plainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates a request against its operation's schemas (path parameters, query, body) and keeps the
 * parsed values for the handler ({@link inputOf}); any failure is a 400 `VALIDATION_FAILED` with
 * one item per field, and the handler does not run. A body that is not a JSON object is read as
 * an empty one, so its missing fields are named.
 */
export function validate(operation: ApiOperation): RequestHandler {
  const parts = (['params', 'query', 'body'] as const).filter((part) => operation[part] !== undefined);
  return (req, _res, next) => {
    const input: Record<string, unknown> = { params: {}, query: {}, body: undefined };
    const items: ErrorItem[] = [];
    for (const part of parts) {
      const raw = req[part] as unknown;
      const result = operation[part]!.safeParse(plainObject(raw) ? raw : {});
      if (result.success) input[part] = result.data;
      else items.push(...itemsOf(result.error, part));
    }
    if (items.length > 0) throw new RequestValidationError(items);
    (req as Request & { [INPUT]?: unknown })[INPUT] = input;
    next();
  };
}

/** The input {@link validate} parsed for `operation`, typed by its schemas. */
export function inputOf<O extends ApiOperation>(req: Request, _operation: O): OperationInput<O> {
  const input = (req as Request & { [INPUT]?: OperationInput<O> })[INPUT];
  if (!input) throw new Error('inputOf: the route does not run validate(operation) first');
  return input;
}
