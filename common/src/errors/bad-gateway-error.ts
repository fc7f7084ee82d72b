import { CustomError } from './custom-error';

/** 502: an upstream dependency (e.g. Stripe) answered with an error. */
export class BadGatewayError extends CustomError {
  readonly statusCode = 502;

  constructor(message = 'Upstream service failed', code = 'BAD_GATEWAY') {
    super(message, code);
  }
}
