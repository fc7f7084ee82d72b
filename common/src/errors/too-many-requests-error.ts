import { CustomError } from './custom-error';

/** 429 `RATE_LIMITED`: the caller is rate limited. */
export class TooManyRequestsError extends CustomError {
  readonly statusCode = 429;

  constructor(message = 'Too many requests', code = 'RATE_LIMITED') {
    super(message, code);
  }
}
