import { CustomError, type ErrorItem } from './custom-error';

/** 400: the request is well-formed but breaks a rule (duplicate email, ticket reserved, …). */
export class BadRequestError extends CustomError {
  readonly statusCode = 400;
  /** The input field the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(message: string, options: { code?: string; field?: string } = {}) {
    super(message, options.code ?? 'BAD_REQUEST');
    this.field = options.field;
  }

  override serialize(): ErrorItem[] {
    const item = { message: this.message, code: this.code };
    return this.field === undefined ? [item] : [{ ...item, field: this.field }];
  }
}
