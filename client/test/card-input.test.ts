import { cardNumberError, cvcError, expiryError, formatCardNumber, formatExpiry, passesLuhn } from '@/lib/card-input';
import { TEST_CARDS } from '@/lib/test-cards';

const NOW = new Date('2030-06-15T12:00:00');

describe('passesLuhn', () => {
  it('accepts every sandbox test card and refuses a number with one digit changed', () => {
    for (const card of TEST_CARDS) expect(passesLuhn(card.number.replace(/ /g, ''))).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });
});

describe('formatCardNumber', () => {
  it('groups digits as they are typed and drops anything else', () => {
    expect(formatCardNumber('4')).toBe('4');
    expect(formatCardNumber('42424')).toBe('4242 4');
    expect(formatCardNumber('4242-4242 4242x4242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('3782822463')).toBe('3782 822463');
    expect(formatCardNumber('37828224631000599')).toBe('3782 822463 10005');
  });
});

describe('formatExpiry', () => {
  it('adds the slash after the month and removes it with a deletion', () => {
    expect(formatExpiry('1', '')).toBe('1');
    expect(formatExpiry('12', '1')).toBe('12/');
    expect(formatExpiry('12/2', '12/')).toBe('12/2');
    expect(formatExpiry('1228', '')).toBe('12/28');
    expect(formatExpiry('12', '12/')).toBe('12');
    expect(formatExpiry('4', '')).toBe('04/');
  });
});

describe('card checks', () => {
  it('expiry: a real month, this month or later', () => {
    expect(expiryError('06/30', NOW)).toBeUndefined();
    expect(expiryError('12/99', NOW)).toBeUndefined();
    expect(expiryError('05/30', NOW)).toBe('Your card has expired: the expiry date is in the past');
    expect(expiryError('13/31', NOW)).toBe('The expiry month must be from 01 to 12');
    expect(expiryError('12/3', NOW)).toBe('Enter the expiry date as MM/YY');
  });

  it('security code: 3 digits, 4 for American Express', () => {
    expect(cvcError('123', '4242 4242 4242 4242')).toBeUndefined();
    expect(cvcError('1234', '4242 4242 4242 4242')).toBeDefined();
    expect(cvcError('1234', '3782 822463 10005')).toBeUndefined();
    expect(cvcError('123', '3782 822463 10005')).toBeDefined();
  });

  it('number: digits only, a card’s length, Luhn', () => {
    expect(cardNumberError('4242 4242 4242 4242')).toBeUndefined();
    expect(cardNumberError('4242 4242 4242 424a')).toBe('A card number has only digits');
    expect(cardNumberError('3782 822463 1000')).toBe('Your card number is incomplete');
    expect(cardNumberError('4242 4242 4242 4241')).toBe('Your card number is invalid: check it for a typo');
  });
});
