import { TEST_CARDS, tokenForCardNumber } from '@/lib/test-cards';

describe('tokenForCardNumber', () => {
  it.each([
    ['4242 4242 4242 4242', 'tok_visa'],
    ['5555 5555 5555 4444', 'tok_mastercard'],
    ['3782 822463 10005', 'tok_amex'],
    ['4000 0000 0000 0002', 'tok_chargeDeclined'],
    ['4000 0000 0000 9995', 'tok_chargeDeclinedInsufficientFunds'],
    ['4000 0000 0000 0069', 'tok_chargeDeclinedExpiredCard'],
    ['4000 0000 0000 0127', 'tok_chargeDeclinedIncorrectCvc'],
    ['4000 0000 0000 0119', 'tok_chargeDeclinedProcessingError'],
  ])('maps Stripe test card %s to %s', (number, token) => {
    expect(tokenForCardNumber(number)).toBe(token);
  });

  it('accepts the number without spaces, with dashes, or padded', () => {
    expect(tokenForCardNumber('4242424242424242')).toBe('tok_visa');
    expect(tokenForCardNumber('4242-4242-4242-4242')).toBe('tok_visa');
    expect(tokenForCardNumber('  378282246310005 ')).toBe('tok_amex');
  });

  it('knows nothing of other numbers or other text', () => {
    expect(tokenForCardNumber('4242 4242 4242 4241')).toBeUndefined();
    expect(tokenForCardNumber('')).toBeUndefined();
    expect(tokenForCardNumber('tok_visa')).toBeUndefined();
    expect(tokenForCardNumber('4242 4242 4242 4242x')).toBeUndefined();
  });

  it('lists every card once, each with its own token', () => {
    expect(new Set(TEST_CARDS.map((card) => card.token)).size).toBe(TEST_CARDS.length);
    expect(TEST_CARDS).toHaveLength(8);
  });
});
