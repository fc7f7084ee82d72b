import type { ValidationError } from 'express-validator';
import { CustomError, type ErrorItem } from './custom-error';

/** The code of a validation failure whose rule names none of its own. */
export const VALIDATION_FAILED = 'VALIDATION_FAILED';

/** An express-validator message that carries its own stable code (see {@link validationMessage}). */
export interface ValidationMessage {
  message: string;
  code: string;
}

/**
 * The message of a validation rule with a code of its own, for a rule callers need to tell apart
 * from other input errors: `.withMessage(validationMessage('Password must be at least 8 characters',
 * 'PASSWORD_TOO_SHORT'))`, or thrown from a `.custom()` validator.
 */
export function validationMessage(message: string, code: string): ValidationMessage {
  return { message, code };
}

/**
 * 400 `VALIDATION_FAILED`: the input broke a rule; one item per failed field, each with the code
 * its rule names ({@link validationMessage}) or `VALIDATION_FAILED`. The failures come from
 * express-validator, or as items already (a zod schema's, see `validate`).
 */
export class RequestValidationError extends CustomError {
  readonly statusCode = 400;

  constructor(readonly errors: ValidationError[] | ErrorItem[]) {
    super('Invalid request parameters', VALIDATION_FAILED);
  }

  // The offending values are deliberately left out: they may be passwords or card data.
  override serialize(): ErrorItem[] {
    return this.errors.map((error): ErrorItem => {
      if (!('type' in error)) return error;
      const { message, code } = messageAndCode(error.msg);
      switch (error.type) {
        case 'field':
          return { message, code, field: error.path };
        case 'unknown_fields':
          return { message: `${message}: ${error.fields.map((field) => field.path).join(', ')}`, code };
        default:
          return { message, code };
      }
    });
  }
}

function messageAndCode(msg: unknown): ValidationMessage {
  if (typeof msg === 'object' && msg !== null) {
    const { message, code } = msg as { message?: unknown; code?: unknown };
    if (typeof message === 'string') {
      return { message, code: typeof code === 'string' && code !== '' ? code : VALIDATION_FAILED };
    }
  }
  return { message: String(msg), code: VALIDATION_FAILED };
}
