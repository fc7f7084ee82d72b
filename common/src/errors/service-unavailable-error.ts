import { CustomError } from './custom-error';

/** 503: a dependency the request needs is temporarily unreachable; retrying later may succeed. */
export class ServiceUnavailableError extends CustomError {
  readonly statusCode = 503;

  constructor(message = 'Service temporarily unavailable', code = 'SERVICE_UNAVAILABLE') {
    super(message, code);
  }
}
