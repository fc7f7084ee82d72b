/**
 * Stripe's documented test card numbers and the test tokens the payments sandbox accepts in their
 * place (https://docs.stripe.com/testing). Only used when no publishable key is configured.
 */
export interface TestCard {
  number: string;
  token: string;
  brand: string;
  outcome: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242 4242 4242 4242', token: 'tok_visa', brand: 'Visa', outcome: 'Payment succeeds' },
  { number: '5555 5555 5555 4444', token: 'tok_mastercard', brand: 'Mastercard', outcome: 'Payment succeeds' },
  { number: '3782 822463 10005', token: 'tok_amex', brand: 'American Express', outcome: 'Payment succeeds' },
  { number: '4000 0000 0000 0002', token: 'tok_chargeDeclined', brand: 'Visa', outcome: 'Card declined' },
  {
    number: '4000 0000 0000 9995',
    token: 'tok_chargeDeclinedInsufficientFunds',
    brand: 'Visa',
    outcome: 'Declined: insufficient funds',
  },
  {
    number: '4000 0000 0000 0069',
    token: 'tok_chargeDeclinedExpiredCard',
    brand: 'Visa',
    outcome: 'Declined: expired card',
  },
  {
    number: '4000 0000 0000 0127',
    token: 'tok_chargeDeclinedIncorrectCvc',
    brand: 'Visa',
    outcome: 'Declined: incorrect CVC',
  },
  {
    number: '4000 0000 0000 0119',
    token: 'tok_chargeDeclinedProcessingError',
    brand: 'Visa',
    outcome: 'Declined: processing error',
  },
];

const TOKENS = new Map(TEST_CARDS.map((card) => [card.number.replace(/ /g, ''), card.token]));

/** The test token for a card number typed with or without spaces or dashes; undefined if unknown. */
export function tokenForCardNumber(input: string): string | undefined {
  const digits = input.trim().replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  return TOKENS.get(digits);
}
