import type { z } from 'zod';
import { type ApiOperation, errorCodesOf, type ServiceApi } from '../api/operation';
import { CONTRACTS_VERSION, type JsonSchema, jsonSchemaOf } from './json-schema';

const STATUS_TEXT: Record<number, string> = {
  400: 'The request breaks a rule (see the codes); nothing changed.',
  401: 'Not signed in, or not allowed to act on this resource.',
  402: 'The payment was declined.',
  403: 'Signed in, but not allowed to do this.',
  404: 'No such resource.',
  409: 'A concurrent change; reload and try again.',
  413: 'The body is over the size limit.',
  415: 'A body encoding or charset the service does not read.',
  429: 'Too many requests; `Retry-After` or the `RateLimit` headers say when to come back.',
  500: 'An unexpected error, logged with the request id; the message is generic.',
  502: 'An upstream service answered wrongly.',
  503: 'An upstream service is unavailable; retry later.',
};

/** The error body of one status, its `code` limited to the codes the operation answers with. */
function errorSchema(codes: readonly string[]): JsonSchema {
  return {
    type: 'object',
    required: ['errors'],
    properties: {
      errors: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['message', 'code'],
          properties: {
            message: { type: 'string', description: 'For people; may be reworded.' },
            code: { type: 'string', enum: [...codes], description: 'Stable, for programs to branch on.' },
            field: {
              type: 'string',
              description: 'The input the item is about (a body field, a query or path parameter).',
            },
          },
        },
      },
    },
  };
}

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, { io: 'input' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function operationObject(operation: ApiOperation, tag: string): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      ...(response.body ? { content: json(jsonSchemaOf(response.body)) } : {}),
    };
  }
  for (const [status, codes] of Object.entries(errorCodesOf(operation))) {
    responses[status] = {
      description: `${STATUS_TEXT[Number(status)] ?? 'An error.'} Codes: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
      content: json(errorSchema(codes)),
    };
  }
  const security =
    operation.auth === 'required' ? [{ session: [] }] : operation.auth === 'optional' ? [{}, { session: [] }] : [];
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [tag],
    security,
    parameters: [
      ...parameters(operation.params, 'path'),
      ...parameters(operation.query, 'query'),
      ...parameters(operation.headers, 'header'),
    ],
    ...(operation.body
      ? { requestBody: { required: true, content: json(jsonSchemaOf(operation.body, { io: 'input' })) } }
      : {}),
    responses,
  };
}

/**
 * A service's OpenAPI 3.1 document, generated from its operations (the zod schemas that validate
 * its requests and type its answers): every path and method, parameters, request body, every
 * status it can answer (errors with the codes each can carry), the session cookie as the security
 * scheme. The service serves it at `<prefix>/openapi.json`.
 */
export function openApiDocument(api: ServiceApi, version: string = CONTRACTS_VERSION): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of api.operations) {
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = operationObject(operation, api.service);
  }
  return {
    openapi: '3.1.0',
    info: { title: api.title, version, description: api.description },
    servers: [{ url: '/', description: 'The same origin as the web app: the gateway (`npm start`) or the Ingress.' }],
    tags: [{ name: api.service, description: api.description }],
    paths,
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'session',
          description:
            'The session cookie set by `POST /api/users/signin` or `/signup` (a JWT inside; HttpOnly, SameSite=Lax).',
        },
      },
    },
  };
}
