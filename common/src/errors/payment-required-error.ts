import { CustomError } from './custom-error';

/** 402: the payment was declined or cannot be made. */
export class PaymentRequiredError extends CustomError {
  readonly statusCode = 402;

  constructor(message: string, code = 'PAYMENT_REQUIRED') {
    super(message, code);
  }
}
