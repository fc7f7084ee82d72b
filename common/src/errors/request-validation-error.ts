import type { ValidationError } from 'express-validator';
import { CustomError, type ErrorItem } from './custom-error';

/** 400 `VALIDATION_FAILED`: express-validator rejected the input; one item per failed field. */
export class RequestValidationError extends CustomError {
  readonly statusCode = 400;

  constructor(readonly errors: ValidationError[]) {
    super('Invalid request parameters', 'VALIDATION_FAILED');
  }

  // The offending values are deliberately left out: they may be passwords or card data.
  override serialize(): ErrorItem[] {
    return this.errors.map((error): ErrorItem => {
      const message = String(error.msg);
      switch (error.type) {
        case 'field':
          return { message, field: error.path };
        case 'unknown_fields':
          return { message: `${message}: ${error.fields.map((field) => field.path).join(', ')}` };
        default:
          return { message };
      }
    });
  }
}
