import { CustomError } from './custom-error';

/** 403: signed in, but this user may not do this (e.g. scan the passes of someone else's event). */
export class ForbiddenError extends CustomError {
  readonly statusCode = 403;

  constructor(message = 'Forbidden', code = 'FORBIDDEN') {
    super(message, code);
  }
}
