import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import ts from 'typescript';
import { z } from 'zod';
import type { K8sObject } from './kustomize';
import { ROOT } from './repo';

/**
 * Validation of rendered objects against the Kubernetes schemas.
 *
 * kubernetes-models checks types, enums and required fields (its validate() is the API's
 * OpenAPI schema compiled with ajv) but accepts any unknown field, which the API server would
 * drop or reject: a misspelt `readinesProbe` would pass. So every object is also walked against
 * the model's TypeScript declaration (the same schema, as interfaces), and a field that the
 * declaration does not have is reported.
 */

/**
 * The kubernetes-models module of a kind, e.g. apps/v1 Deployment → kubernetes-models/apps/v1/Deployment;
 * the Prometheus Operator's kinds come from @kubernetes-models/prometheus-operator (its CRDs v0.65.1).
 */
export function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Custom resources validated against the part of their CRD's schema this repository uses,
 * vendored in infra/test/schemas (source, version and commit in its README).
 */
const VENDORED_SCHEMAS: Record<string, string> = {
  'postgresql.cnpg.io/v1/Cluster': 'postgresql.cnpg.io_v1_cluster.json',
  'postgresql.cnpg.io/v1/ScheduledBackup': 'postgresql.cnpg.io_v1_scheduledbackup.json',
  'barmancloud.cnpg.io/v1/ObjectStore': 'barmancloud.cnpg.io_v1_objectstore.json',
};

const ajv = new Ajv({ allErrors: true, strict: false });
const vendoredValidators = new Map<string, ValidateFunction>();

function vendoredValidator(key: string): ValidateFunction | undefined {
  const file = VENDORED_SCHEMAS[key];
  if (!file) return undefined;
  let validate = vendoredValidators.get(key);
  if (!validate) {
    validate = ajv.compile(require(path.join(__dirname, '..', 'schemas', file)) as object);
    vendoredValidators.set(key, validate);
  }
  return validate;
}

type ModelClass = new (data: unknown) => { validate(): void };

function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  try {
    const exports = require(modelModule(apiVersion, kind)) as Record<string, unknown>;
    const model = exports[kind];
    return typeof model === 'function' ? (model as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

/** Custom resources this repository uses, whose CRDs kubernetes-models does not ship: strict schemas of the fields used. */
const metadata = z
  .object({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    finalizers: z.array(z.string()).optional(),
  })
  .strict();

const customResources: Record<string, z.ZodType> = {
  // https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
  'argoproj.io/v1alpha1/Application': z
    .object({
      apiVersion: z.literal('argoproj.io/v1alpha1'),
      kind: z.literal('Application'),
      metadata,
      spec: z
        .object({
          project: z.string().min(1),
          source: z
            .object({ repoURL: z.string().url(), targetRevision: z.string().min(1), path: z.string().min(1) })
            .strict(),
          destination: z.object({ server: z.string().url(), namespace: z.string().min(1) }).strict(),
          ignoreDifferences: z
            .array(
              z
                .object({
                  group: z.string(),
                  kind: z.string(),
                  name: z.string().optional(),
                  jsonPointers: z.array(z.string().startsWith('/')),
                })
                .strict(),
            )
            .optional(),
          syncPolicy: z
            .object({
              automated: z.object({ prune: z.boolean(), selfHeal: z.boolean() }).strict().optional(),
              syncOptions: z.array(z.string().regex(/^[A-Za-z]+=(true|false)$/)).optional(),
            })
            .strict()
            .optional(),
        })
        .strict(),
    })
    .strict(),
  // https://cert-manager.io/docs/configuration/acme/
  'cert-manager.io/v1/ClusterIssuer': z
    .object({
      apiVersion: z.literal('cert-manager.io/v1'),
      kind: z.literal('ClusterIssuer'),
      metadata,
      spec: z
        .object({
          acme: z
            .object({
              server: z.string().url(),
              email: z.string().email(),
              privateKeySecretRef: z.object({ name: z.string().min(1) }).strict(),
              solvers: z
                .array(
                  z
                    .object({
                      http01: z
                        .object({ ingress: z.object({ ingressClassName: z.string().min(1) }).strict() })
                        .strict(),
                    })
                    .strict(),
                )
                .min(1),
            })
            .strict(),
        })
        .strict(),
    })
    .strict(),
};

// ---------------------------------------------------------------------------------------------
// Unknown fields, through the TypeScript declarations of kubernetes-models.

interface Declarations {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}

let declarations: Declarations | undefined;
const declared = new Set<string>();

/** A program over one virtual file that imports the interface of every kind asked for so far. */
function declarationsFor(keys: string[]): Declarations {
  const missing = keys.filter((key) => !declared.has(key));
  if (declarations && missing.length === 0) return declarations;
  for (const key of missing) declared.add(key);
  const kinds = [...declared].sort();
  const virtualFile = path.join(ROOT, 'infra', 'test', '.kubernetes-types.ts');
  const source = kinds
    .map((key, index) => {
      const slash = key.lastIndexOf('/');
      return `export type { I${key.slice(slash + 1)} as T${index} } from '${modelModule(key.slice(0, slash), key.slice(slash + 1))}';`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file === virtualFile ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, ...rest);
  host.fileExists = (file) => file === virtualFile || fileExists(file);
  const program = ts.createProgram([virtualFile], options, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(virtualFile);
  const module = sourceFile && checker.getSymbolAtLocation(sourceFile);
  if (!module) throw new Error('could not load the kubernetes-models declarations');
  const types = new Map<string, ts.Type>();
  for (const symbol of checker.getExportsOfModule(module)) {
    const index = Number(symbol.name.slice(1));
    const key = kinds[index];
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (key && !(target.flags & ts.SymbolFlags.Interface)) continue;
    if (key) types.set(key, checker.getDeclaredTypeOfSymbol(target));
  }
  declarations = { checker, types };
  return declarations;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownFieldsOf(value: unknown, type: ts.Type, at: string, checker: ts.TypeChecker, found: string[]): void {
  const nonNull = checker.getNonNullableType(type);
  if (nonNull.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  const members = nonNull.isUnion() ? nonNull.types : [nonNull];
  if (Array.isArray(value)) {
    const array = members.find((member) => checker.isArrayType(member));
    const element = array && checker.getTypeArguments(array as ts.TypeReference)[0];
    if (!element) return;
    for (const [index, item] of value.entries()) unknownFieldsOf(item, element, `${at}[${index}]`, checker, found);
    return;
  }
  if (!isObject(value)) return;
  const objectType = members.find((member) => member.flags & ts.TypeFlags.Object && !checker.isArrayType(member));
  if (!objectType) return;
  const indexInfo = checker.getIndexInfosOfType(objectType)[0];
  for (const [key, child] of Object.entries(value)) {
    const property = objectType.getProperty(key);
    if (property) unknownFieldsOf(child, checker.getTypeOfSymbol(property), `${at}.${key}`, checker, found);
    else if (indexInfo) unknownFieldsOf(child, indexInfo.type, `${at}.${key}`, checker, found);
    else found.push(`${at}.${key}`);
  }
}

/** The paths of fields that the kind's schema does not have (e.g. `.spec.template.spec.containers[0].readinesProbe`). */
export function unknownFields(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const { checker, types } = declarationsFor([key]);
  const type = types.get(key);
  if (!type) return [`(no declaration for ${key})`];
  const found: string[] = [];
  unknownFieldsOf(object, type, '', checker, found);
  return found;
}

/** Loads the declarations of every kind in `objects` in one program (faster than one by one). */
export function preloadDeclarations(objects: K8sObject[]): void {
  const keys = [
    ...new Set(
      objects
        .filter((object) => loadModel(object.apiVersion, object.kind))
        .map((object) => `${object.apiVersion}/${object.kind}`),
    ),
  ];
  declarationsFor(keys);
}

/**
 * Every problem of one object: schema violations (types, enums, required fields) and unknown
 * fields for built-in kinds; a strict schema for the custom resources above; and an error for
 * any other kind, so nothing passes unchecked.
 */
export function schemaProblems(object: K8sObject): string[] {
  const where = `${object.kind ?? '(no kind)'} ${object.metadata?.name ?? '(no name)'}`;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return [`${where}: apiVersion and kind are required`];
  }
  const vendored = vendoredValidator(`${object.apiVersion}/${object.kind}`);
  if (vendored) {
    if (vendored(object)) return [];
    return (vendored.errors ?? []).map((error) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      const at = `${error.instancePath || '(root)'}${extra ? `/${extra}` : ''}`;
      return `${where}: ${at}: ${error.message}`;
    });
  }
  const custom = customResources[`${object.apiVersion}/${object.kind}`];
  if (custom) {
    const result = custom.safeParse(object);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const Model = loadModel(object.apiVersion, object.kind);
  if (!Model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  for (const field of unknownFields(object)) problems.push(`${where}: unknown field ${field}`);
  return problems;
}
