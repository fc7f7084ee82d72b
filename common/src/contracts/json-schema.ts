import { z } from 'zod';

/** The version of the published contracts (OpenAPI and AsyncAPI `info.version`); raised when one changes incompatibly. */
export const CONTRACTS_VERSION = '1.0.0';

export type JsonSchema = { [key: string]: unknown };

export interface JsonSchemaOptions {
  /** `draft-2020-12` for OpenAPI 3.1 (the default), `draft-7` for AsyncAPI 3.0's schema format. */
  target?: 'draft-2020-12' | 'draft-7';
  /** A request is described as it is sent (`input`), a response as it is returned (`output`, the default). */
  io?: 'input' | 'output';
}

/**
 * The JSON Schema of a zod schema, for the published contracts: the same schema the code
 * validates with, so a document cannot drift from it. Without `$schema`, which the document
 * states once. Refinements zod cannot express in JSON Schema are left out (the code still
 * enforces them).
 */
export function jsonSchemaOf(schema: z.ZodType, { target = 'draft-2020-12', io = 'output' }: JsonSchemaOptions = {}) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target, io, unrepresentable: 'any' });
  return rest as JsonSchema;
}
