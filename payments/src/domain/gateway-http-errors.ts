import { BadGatewayError, BadRequestError, PaymentRequiredError, ServiceUnavailableError } from '@ticketing/common';
import {
  GatewayDeclinedError,
  GatewayFailedError,
  GatewayIdempotencyError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '../gateway/payment-gateway';

/**
 * The HTTP answer for a gateway error. A charge's decline (402) and invalid token (400) are the
 * buyer's to fix; everything else says the gateway is the problem (502/503), so Stripe retries
 * a webhook and a buyer may retry the payment. Unknown errors are returned as they are (500).
 */
export function gatewayHttpError(error: unknown, operation: 'charge' | 'refund' | 'connect'): unknown {
  if (operation === 'charge') {
    if (error instanceof GatewayDeclinedError) return new PaymentRequiredError(error.message, 'CARD_DECLINED');
    if (error instanceof GatewayRejectedError) {
      return new BadRequestError(error.message, { code: 'PAYMENT_REJECTED', field: 'token' });
    }
    if (error instanceof GatewayIdempotencyError) {
      return new BadRequestError(
        'A previous attempt to pay this order with other card details has an unknown outcome; retry with the same card',
        { code: 'PAYMENT_RETRY_MISMATCH' },
      );
    }
  }
  if (error instanceof GatewayUnavailableError) {
    switch (error.reason) {
      case 'circuit-open':
        return new ServiceUnavailableError(
          'The payment gateway is temporarily unavailable; please try again in a few seconds',
          'GATEWAY_CIRCUIT_OPEN',
        );
      case 'timeout':
        return new ServiceUnavailableError(
          'The payment gateway did not answer in time; please try again',
          'GATEWAY_TIMEOUT',
        );
      default:
        return new ServiceUnavailableError(
          'The payment gateway cannot be reached; please try again',
          'GATEWAY_UNAVAILABLE',
        );
    }
  }
  if (
    error instanceof GatewayFailedError ||
    error instanceof GatewayRejectedError ||
    error instanceof GatewayIdempotencyError
  ) {
    const failed = operation === 'connect' ? 'set up the payout account' : `${operation} the payment`;
    return new BadGatewayError(`The payment gateway failed to ${failed}; please try again`, 'GATEWAY_ERROR');
  }
  return error;
}
