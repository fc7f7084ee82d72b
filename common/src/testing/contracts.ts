import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SERVICE_APIS } from '../api';
import { type ApiOperation, prefixesOf, type ServiceApi } from '../api/operation';
import { type ObservedResponse, observeResponses } from '../contracts/observer';
import { openApiDocument } from '../contracts/openapi';

/** An answer that breaks its service's OpenAPI document. */
export interface ContractViolation {
  operation: string;
  status: number;
  problem: string;
  body: unknown;
}

interface Route {
  operation: ApiOperation;
  pattern: RegExp;
  /** Status → the validator of its body (undefined: the status has no body). */
  bodies: Map<number, ValidateFunction | undefined>;
}

type ResponseObject = { content?: { 'application/json': { schema: object } } };

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const routesByApi = new Map<ServiceApi, Route[]>();

/** The operations of `api` with the validators of their documented answers, from its OpenAPI document. */
function routesOf(api: ServiceApi): Route[] {
  let routes = routesByApi.get(api);
  if (routes) return routes;
  const document = openApiDocument(api) as {
    paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  };
  routes = api.operations.map((operation) => {
    const { responses } = document.paths[operation.path]![operation.method]!;
    const bodies = new Map<number, ValidateFunction | undefined>();
    for (const [status, response] of Object.entries(responses)) {
      const schema = response.content?.['application/json'].schema;
      bodies.set(Number(status), schema ? ajv.compile(schema) : undefined);
    }
    const pattern = new RegExp(`^${operation.path.replace(/\{\w+\}/g, '[^/]+')}/?$`);
    return { operation, pattern, bodies };
  });
  routesByApi.set(api, routes);
  return routes;
}

/** The violations of one observed answer (none when it is not an operation's, e.g. a probe or an unknown route). */
export function checkResponse(response: ObservedResponse): { operation?: string; violations: ContractViolation[] } {
  if (response.path === `${response.api.prefix}/openapi.json`) return { violations: [] };
  const route = routesOf(response.api).find(
    (candidate) =>
      candidate.operation.method === response.method.toLowerCase() && candidate.pattern.test(response.path),
  );
  if (!route) return { violations: [] };
  const { operationId } = route.operation;
  const violation = (problem: string) => ({
    operation: operationId,
    status: response.status,
    problem,
    body: response.body,
  });
  if (!route.bodies.has(response.status)) {
    return { operation: operationId, violations: [violation(`status ${response.status} is not documented`)] };
  }
  const validateBody = route.bodies.get(response.status);
  if (!validateBody) {
    const violations = response.body === undefined ? [] : [violation('a body where the document has none')];
    return { operation: operationId, violations };
  }
  if (validateBody(response.body)) return { operation: operationId, violations: [] };
  const errors = (validateBody.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ');
  return { operation: operationId, violations: [violation(`the body breaks its schema: ${errors}`)] };
}

/**
 * Checks every answer of every service app created from now on against its OpenAPI document
 * (installed for every test file by the jest preset): an undocumented status or a body that
 * breaks its schema is recorded, and the test file fails. {@link exercisedOperations} lists the
 * operations seen.
 */
export function checkContracts(): { violations: ContractViolation[]; stop: () => void } {
  const violations: ContractViolation[] = [];
  exercised = new Set<string>();
  const seen = exercised;
  const check = (response: ObservedResponse) => {
    const result = checkResponse(response);
    if (result.operation) seen.add(result.operation);
    violations.push(...result.violations);
  };
  const stopObserving = observeResponses(check);
  record = check;
  return {
    violations,
    stop: () => {
      stopObserving();
      if (record === check) record = undefined;
    },
  };
}

let exercised = new Set<string>();
let record: ((response: ObservedResponse) => void) | undefined;

/** The gateway's own answers (a service starting or unreachable): not any service's contract. */
const GATEWAY_CODES = new Set(['BAD_GATEWAY', 'SERVICE_UNAVAILABLE']);

/**
 * Checks an answer a test received over HTTP from a running platform (the cross-service tests)
 * against the document of the service its path belongs to, like the answers of in-process apps.
 */
export function checkAnswer(answer: Omit<ObservedResponse, 'api'>): void {
  const api = SERVICE_APIS.find((candidate) =>
    prefixesOf(candidate).some((prefix) => answer.path === prefix || answer.path.startsWith(`${prefix}/`)),
  );
  const code = (answer.body as { errors?: Array<{ code?: string }> } | undefined)?.errors?.[0]?.code;
  if (!api || (answer.status >= 502 && code !== undefined && GATEWAY_CODES.has(code))) return;
  record?.({ ...answer, api });
}

/** The operations (`operationId`) whose answers this test file has seen so far. */
export const exercisedOperations = (): ReadonlySet<string> => exercised;
