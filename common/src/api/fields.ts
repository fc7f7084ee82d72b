import { z } from 'zod';

/**
 * A UUID given as a string (RFC 9562: versions 1–8, the nil and max ids; the rule the services
 * had before), with messages that say which rule it broke: `<label> is required`, `<label> must
 * be a string`, then `invalid`.
 */
export const uuidField = (label: string, invalid = `${label} must be a valid UUID`) =>
  z.uuid({
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? `${label} is required`
        : typeof issue.input === 'string'
          ? invalid
          : `${label} must be a string`,
  });

/** A UUID as the services answer with it. */
export const uuid = () => z.guid();

/** An instant as the services answer with it: ISO 8601 in UTC. */
export const instant = () => z.iso.datetime();

/** The body of every error answer. `code` is stable, for programs; `message` is for people. */
export const errorBody = z.object({
  errors: z
    .array(
      z.object({
        message: z.string(),
        code: z.string(),
        field: z
          .string()
          .optional()
          .meta({ description: 'The input the item is about (a body field, a query or path parameter).' }),
      }),
    )
    .min(1),
});
