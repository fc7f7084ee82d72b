import { CustomError } from './custom-error';

/** 413: the request body exceeds the accepted size. */
export class PayloadTooLargeError extends CustomError {
  readonly statusCode = 413;

  constructor(message = 'Request body is too large', code = 'PAYLOAD_TOO_LARGE') {
    super(message, code);
  }
}
