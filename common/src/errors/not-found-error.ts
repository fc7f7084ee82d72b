import { CustomError } from './custom-error';

/** 404: the resource or route does not exist. */
export class NotFoundError extends CustomError {
  readonly statusCode = 404;

  constructor(message = 'Not found', code = 'NOT_FOUND') {
    super(message, code);
  }
}
