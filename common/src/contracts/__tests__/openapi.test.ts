import { execFile } from 'node:child_process';
import request from 'supertest';
import { z } from 'zod';
import { SERVICE_APIS } from '../../api';
import { defineOperation, errorCodesOf, prefixesOf, type ServiceApi } from '../../api/operation';
import { buildApp } from '../../http/__tests__/test-app';
import { inputOf, validate } from '../../http/validate';
import { checkAnswer, checkContracts, checkResponse, exercisedOperations } from '../../testing/contracts';
import { openApiDocument } from '../openapi';

/**
 * Validates documents with @apidevtools/swagger-parser (OpenAPI 3.1), in a Node process of its own:
 * the parser is an ES module, which jest's CommonJS runtime cannot load. Resolves with each
 * document's error message, or null when it is valid.
 */
async function parserVerdicts(documents: object[]): Promise<Array<string | null>> {
  // The documents go through stdin: together they outgrow what one command-line argument may hold.
  const script = `
    import SwaggerParser from '@apidevtools/swagger-parser';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const documents = JSON.parse(input);
    const verdicts = [];
    for (const document of documents) {
      try { await SwaggerParser.validate(document); verdicts.push(null); }
      catch (error) { verdicts.push(error.message); }
    }
    process.stdout.write(JSON.stringify(verdicts));`;
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: __dirname, maxBuffer: 16 * 1024 * 1024 },
      (error, output) => (error ? reject(error) : resolve(output)),
    );
    child.stdin?.end(JSON.stringify(documents));
  });
  return JSON.parse(stdout);
}

const APIS: readonly ServiceApi[] = SERVICE_APIS;

const widget = z.object({ id: z.string(), price: z.number() });
const showWidget = defineOperation({
  operationId: 'showWidget',
  method: 'get',
  path: '/api/widgets/{id}',
  summary: 'A widget',
  auth: 'none',
  params: z.object({ id: z.string().regex(/^w\d+$/, 'Widget id must look like w1') }),
  responses: { 200: { description: 'The widget.', body: widget } },
  errors: { 404: ['WIDGET_NOT_FOUND'] },
});
const createWidget = defineOperation({
  operationId: 'createWidget',
  method: 'post',
  path: '/api/widgets',
  summary: 'Make a widget',
  auth: 'required',
  body: z.strictObject({
    name: z.string({ error: 'Name must be a string' }).min(1, 'Name is required'),
    size: z.int('Size must be an integer').positive('Size must be positive').optional(),
    secret: z
      .string()
      .optional()
      .refine((value) => value !== 'hunter2', { message: 'Secret is too weak', params: { code: 'SECRET_TOO_WEAK' } }),
  }),
  responses: { 201: { description: 'Made.' } },
  errors: {},
});
const widgetsApi: ServiceApi = {
  service: 'widgets',
  title: 'Widgets',
  description: 'Widgets for the tests.',
  prefix: '/api/widgets',
  operations: [showWidget, createWidget],
};

/** A widgets service whose answers are what each test makes them. */
function widgetsApp(answer: (id: string) => { status: number; body?: unknown }) {
  return buildApp(
    (app) => {
      app.get('/api/widgets/:id', validate(showWidget), (req, res) => {
        const { status, body } = answer(inputOf(req, showWidget).params.id);
        if (body === undefined) res.status(status).end();
        else res.status(status).json(body);
      });
      app.post('/api/widgets', validate(createWidget), (req, res) => {
        res.status(201).json({ made: inputOf(req, createWidget).body });
      });
    },
    { api: widgetsApi },
  ).app;
}

describe('the OpenAPI documents', () => {
  it('when each service’s document is parsed by an OpenAPI parser, then it is valid OpenAPI 3.1, and a broken one is not', async () => {
    const documents = [...APIS, widgetsApi].map((api) => openApiDocument(api));
    const broken = structuredClone(documents[0]!) as { paths: Record<string, Record<string, { parameters: unknown }>> };
    Object.values(Object.values(broken.paths)[0]!)[0]!.parameters = [{ name: 'id' }];
    const verdicts = await parserVerdicts([...documents, broken]);
    expect(verdicts.slice(0, -1)).toEqual(documents.map(() => null));
    expect(verdicts.at(-1)).toMatch(/schema validation failed/i);
    expect(documents.every((document) => document.openapi === '3.1.0')).toBe(true);
  });

  it('when every document is built, then operation ids are unique and every path is under its prefix', () => {
    const ids = APIS.flatMap((api) => api.operations.map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const api of APIS)
      for (const operation of api.operations) {
        expect(prefixesOf(api).some((prefix) => operation.path.startsWith(prefix))).toBe(true);
      }
  });

  it('when an operation is documented, then it lists each status with the codes it can answer', () => {
    type ErrorSchema = { properties: { errors: { items: { properties: { code: { enum: string[] } } } } } };
    const document = openApiDocument(widgetsApi) as {
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: Record<string, { schema: ErrorSchema }> }>; security: unknown[] }
        >
      >;
    };
    const show = document.paths['/api/widgets/{id}']!.get!;
    expect(Object.keys(show.responses).sort()).toEqual(['200', '400', '404', '413', '415', '500']);
    const codes = (status: string) =>
      show.responses[status]!.content!['application/json']!.schema.properties.errors.items.properties.code.enum;
    expect(codes('404')).toEqual(['WIDGET_NOT_FOUND']);
    expect(codes('400')).toEqual([
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'BAD_REQUEST',
      'REQUEST_ABORTED',
      'REQUEST_SIZE_INVALID',
    ]);
    expect(show.security).toEqual([]);
    const create = document.paths['/api/widgets']!.post!;
    expect(create.security).toEqual([{ session: [] }]);
    expect(create.responses['401']).toBeDefined();
  });

  it('when an operation reads a header and its raw body itself (a signed webhook), then the header is a parameter and there is no VALIDATION_FAILED', () => {
    const receiveHook = defineOperation({
      operationId: 'receiveWidgetHook',
      method: 'post',
      path: '/api/widgets/hook',
      summary: 'A signed hook',
      auth: 'none',
      rawBody: true,
      headers: z.object({ 'Hook-Signature': z.string().meta({ description: 'The signature of the body.' }) }),
      body: z.object({ id: z.string() }),
      responses: { 200: { description: 'Received.' } },
      errors: { 400: ['HOOK_SIGNATURE_INVALID'] },
    });
    const api: ServiceApi = { ...widgetsApi, operations: [receiveHook] };
    const operation = (
      openApiDocument(api) as {
        paths: Record<string, Record<string, { parameters: unknown[]; responses: Record<string, unknown> }>>;
      }
    ).paths['/api/widgets/hook']!.post!;
    expect(operation.parameters).toEqual([
      {
        name: 'Hook-Signature',
        in: 'header',
        required: true,
        description: 'The signature of the body.',
        schema: { type: 'string' },
      },
    ]);
    expect(errorCodesOf(receiveHook)[400]).toEqual([
      'HOOK_SIGNATURE_INVALID',
      'MALFORMED_JSON',
      'BAD_REQUEST',
      'REQUEST_ABORTED',
      'REQUEST_SIZE_INVALID',
    ]);
  });

  it('when a service serves its API, then GET <prefix>/openapi.json answers the document, before any route', async () => {
    const response = await request(widgetsApp(() => ({ status: 200, body: { id: 'w1', price: 1 } }))).get(
      '/api/widgets/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual(openApiDocument(widgetsApi));
  });
});

describe('the contract check', () => {
  it('when an answer matches its schema, then nothing is recorded and the operation counts as exercised', async () => {
    const contracts = checkContracts();
    await request(widgetsApp(() => ({ status: 200, body: { id: 'w1', price: 1 } })))
      .get('/api/widgets/w1')
      .expect(200);
    contracts.stop();
    expect(contracts.violations).toEqual([]);
    expect([...exercisedOperations()]).toEqual(['showWidget']);
  });

  it('when an answer breaks its schema (a deliberately broken one), then it is recorded with what broke', async () => {
    const contracts = checkContracts();
    await request(widgetsApp(() => ({ status: 200, body: { id: 'w1', price: '1.00' } }))).get('/api/widgets/w1');
    contracts.stop();
    expect(contracts.violations).toEqual([
      expect.objectContaining({
        operation: 'showWidget',
        status: 200,
        problem: expect.stringContaining('/price must be number'),
      }),
    ]);
  });

  it('when a status is not documented, or an error code is not among its codes, then it is recorded', async () => {
    const contracts = checkContracts();
    await request(widgetsApp(() => ({ status: 409, body: { errors: [{ message: 'x', code: 'CONFLICT' }] } }))).get(
      '/api/widgets/w1',
    );
    await request(widgetsApp(() => ({ status: 404, body: { errors: [{ message: 'x', code: 'GONE' }] } }))).get(
      '/api/widgets/w1',
    );
    contracts.stop();
    expect(contracts.violations.map(({ status, problem }) => [status, problem.split(':')[0]])).toEqual([
      [409, 'status 409 is not documented'],
      [404, 'the body breaks its schema'],
    ]);
  });

  it('when an answer is not an operation’s (unknown route, a probe, the document), then it is not checked', () => {
    const check = (path: string, status = 404) =>
      checkResponse({ api: widgetsApi, method: 'GET', path, status, body: {} });
    expect(check('/api/widgets/w1/parts')).toEqual({ violations: [] });
    expect(check('/livez', 200)).toEqual({ violations: [] });
    expect(check('/api/widgets/openapi.json', 200)).toEqual({ violations: [] });
    expect(
      checkResponse({ api: widgetsApi, method: 'GET', path: '/api/widgets/w1', status: 200, body: undefined })
        .violations,
    ).toEqual([expect.objectContaining({ problem: expect.stringContaining('/ must be object') })]);
  });
});

describe('the contract check of answers over HTTP (cross-service tests)', () => {
  it('when an answer from a running platform breaks its service’s document, then it is recorded; the gateway’s own answers and other paths are not', () => {
    const contracts = checkContracts();
    const id = '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34';
    checkAnswer({
      method: 'GET',
      path: `/api/orders/${id}`,
      status: 409,
      body: { errors: [{ message: 'x', code: 'X' }] },
    });
    checkAnswer({
      method: 'GET',
      path: `/api/orders/${id}`,
      status: 503,
      body: { errors: [{ message: 'x', code: 'SERVICE_UNAVAILABLE' }] },
    });
    checkAnswer({ method: 'GET', path: '/api/elsewhere', status: 418, body: {} });
    checkAnswer({
      method: 'GET',
      path: '/api/orders',
      status: 401,
      body: { errors: [{ message: 'x', code: 'NOT_AUTHORIZED' }] },
    });
    contracts.stop();
    expect(contracts.violations.map(({ operation, status }) => `${operation} ${status}`)).toEqual(['showOrder 409']);
    expect([...exercisedOperations()].sort()).toEqual(['listOrders', 'showOrder']);
  });
});

describe('validate', () => {
  const create = (body: unknown) =>
    request(widgetsApp(() => ({ status: 200 })))
      .post('/api/widgets')
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));

  it('when the input is valid, then the handler reads it parsed', async () => {
    const response = await create({ name: 'gear', size: 2 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ made: { name: 'gear', size: 2 } });
  });

  it('when fields break rules, then it answers 400 with one item per field, its first broken rule', async () => {
    const response = await create({ name: 7, size: -1.5 });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [
        { message: 'Name must be a string', code: 'VALIDATION_FAILED', field: 'name' },
        { message: 'Size must be an integer', code: 'VALIDATION_FAILED', field: 'size' },
      ],
    });
  });

  it('when a rule names a code of its own, or a field is unknown, then the items say so', async () => {
    const response = await create({ name: 'gear', secret: 'hunter2', colour: 'red' });
    expect(response.body).toEqual({
      errors: [
        { message: 'Secret is too weak', code: 'SECRET_TOO_WEAK', field: 'secret' },
        { message: 'Unknown field', code: 'VALIDATION_FAILED', field: 'colour' },
      ],
    });
  });

  it('when the body is a JSON array, not an object, then its missing fields are named', async () => {
    for (const body of [['gear'], []]) {
      const response = await create(body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { message: 'Name must be a string', code: 'VALIDATION_FAILED', field: 'name' },
      ]);
    }
  });

  it('when a path parameter breaks its rule, then the item names it', async () => {
    const response = await request(widgetsApp(() => ({ status: 200 }))).get('/api/widgets/x1');
    expect(response.body).toEqual({
      errors: [{ message: 'Widget id must look like w1', code: 'VALIDATION_FAILED', field: 'id' }],
    });
  });

  it('when a route reads input it did not validate, then it fails loudly', () => {
    expect(() => inputOf({} as never, showWidget)).toThrow(/validate\(operation\)/);
  });
});
