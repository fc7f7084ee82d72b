import { CustomError } from './custom-error';

/** 429: the caller is rate limited. */
export class TooManyRequestsError extends CustomError {
  readonly statusCode = 429;

  constructor(message = 'Too many requests', code = 'TOO_MANY_REQUESTS') {
    super(message, code);
  }
}
