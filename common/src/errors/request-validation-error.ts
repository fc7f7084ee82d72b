import { CustomError, type ErrorItem } from './custom-error';

/** The code of a validation failure whose rule names none of its own. */
export const VALIDATION_FAILED = 'VALIDATION_FAILED';

/**
 * 400 `VALIDATION_FAILED`: the input broke its operation's schema (`validate` in common's http);
 * one item per failed field, each with the code its rule names or `VALIDATION_FAILED`. The items
 * never carry the offending values: they may be passwords or card data.
 */
export class RequestValidationError extends CustomError {
  readonly statusCode = 400;

  constructor(readonly errors: ErrorItem[]) {
    super('Invalid request parameters', VALIDATION_FAILED);
  }

  override serialize(): ErrorItem[] {
    return this.errors;
  }
}
