/**
 * Stripe's documented test tokens and PaymentMethods (https://docs.stripe.com/testing), as the
 * sandbox gateway answers them. Anything else is "No such token", as in Stripe's test mode.
 */

export interface SandboxDecline {
  /** Stripe's error `code`. */
  code: string;
  /** Stripe's `decline_code`, when the code is `card_declined`. */
  declineCode?: string;
  message: string;
}

const CARD_BRANDS = [
  'visa',
  'visa_debit',
  'mastercard',
  'mastercard_debit',
  'mastercard_prepaid',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
];

/** Tokens whose charge succeeds: `tok_<brand>` and `pm_card_<brand>`. */
export const SUCCEEDING_TOKENS: ReadonlySet<string> = new Set(
  CARD_BRANDS.flatMap((brand) => [`tok_${brand}`, `pm_card_${brand}`]),
);

const DECLINED = 'Your card was declined.';

const DECLINES: Record<string, SandboxDecline> = {
  chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline', message: DECLINED },
  chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  chargeDeclinedExpiredCard: { code: 'expired_card', message: 'Your card has expired.' },
  chargeDeclinedIncorrectCvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  chargeDeclinedProcessingError: {
    code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  chargeDeclinedFraudulent: { code: 'card_declined', declineCode: 'fraudulent', message: DECLINED },
  chargeDeclinedLostCard: { code: 'card_declined', declineCode: 'lost_card', message: DECLINED },
  chargeDeclinedStolenCard: { code: 'card_declined', declineCode: 'stolen_card', message: DECLINED },
};

/**
 * Declining tokens, each under the spellings Stripe documents: `tok_chargeDeclined…`,
 * `tok_visa_chargeDeclined…`, `pm_card_chargeDeclined…` and `pm_card_visa_chargeDeclined…`.
 */
export const DECLINING_TOKENS: ReadonlyMap<string, SandboxDecline> = new Map(
  Object.entries(DECLINES).flatMap(([name, decline]) =>
    ['tok_', 'tok_visa_', 'pm_card_', 'pm_card_visa_'].map((prefix) => [`${prefix}${name}`, decline] as const),
  ),
);

/** Cards that need 3D Secure: the PaymentIntent ends in `requires_action`. */
export const AUTHENTICATION_REQUIRED_TOKENS: ReadonlySet<string> = new Set([
  'tok_threeDSecure2Required',
  'pm_card_threeDSecure2Required',
  'pm_card_authenticationRequired',
]);
