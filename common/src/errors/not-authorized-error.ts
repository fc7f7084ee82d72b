import { CustomError } from './custom-error';

/** 401: no valid session, or the user may not touch this resource. */
export class NotAuthorizedError extends CustomError {
  readonly statusCode = 401;

  constructor(message = 'Not authorized', code = 'NOT_AUTHORIZED') {
    super(message, code);
  }
}
