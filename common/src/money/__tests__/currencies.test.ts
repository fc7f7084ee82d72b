import { z } from 'zod';
import { env, parseConfig } from '../../config';
import {
  CURRENCY_CODES,
  CurrencyMismatchError,
  currencyOfEvent,
  currencySpec,
  fitsMinorUnits,
  formatMinorUnits,
  fromMinorUnits,
  isSupportedCurrency,
  minimumPriceMessage,
  SUPPORTED_CURRENCIES,
  toMinorUnits,
  ZERO_DECIMAL_CURRENCIES,
} from '../index';

describe('supported currencies', () => {
  it('lists at least the currencies the platform promises, each with Stripe’s minimum charge in minor units', () => {
    expect(CURRENCY_CODES).toEqual(expect.arrayContaining(['usd', 'eur', 'gbp', 'jpy', 'cad', 'aud', 'chf']));
    expect(currencySpec('usd')).toEqual({ code: 'usd', exponent: 2, minimumCharge: 50 });
    expect(currencySpec('eur')).toEqual({ code: 'eur', exponent: 2, minimumCharge: 50 });
    expect(currencySpec('gbp')).toEqual({ code: 'gbp', exponent: 2, minimumCharge: 30 });
    expect(currencySpec('jpy')).toEqual({ code: 'jpy', exponent: 0, minimumCharge: 50 });
    expect(currencySpec('sek')).toMatchObject({ minimumCharge: 300 });
    expect(currencySpec('nok')).toMatchObject({ minimumCharge: 300 });
    expect(currencySpec('dkk')).toMatchObject({ minimumCharge: 250 });
  });

  it('gives every zero-decimal currency of Stripe’s list exponent 0 and every other one 2', () => {
    for (const [code, spec] of Object.entries(SUPPORTED_CURRENCIES)) {
      expect(spec.code).toBe(code);
      expect(code).toMatch(/^[a-z]{3}$/);
      expect(spec.exponent).toBe(ZERO_DECIMAL_CURRENCIES.includes(code) ? 0 : 2);
      expect(Number.isInteger(spec.minimumCharge) && spec.minimumCharge > 0).toBe(true);
    }
  });

  it('knows the listed codes only, in lower case', () => {
    expect(isSupportedCurrency('jpy')).toBe(true);
    expect(isSupportedCurrency('JPY')).toBe(false);
    expect(isSupportedCurrency('xyz')).toBe(false);
    expect(isSupportedCurrency('toString')).toBe(false);
  });
});

describe('decimal prices and minor units', () => {
  it.each([
    [20.5, 'usd', 2050],
    [0.5, 'eur', 50],
    [19.99, 'gbp', 1999],
    [1_000_000, 'usd', 100_000_000],
    [500, 'jpy', 500],
    [1, 'jpy', 1],
  ] as const)('%p %s is %p minor units, and back', (amount, code, minor) => {
    expect(toMinorUnits(amount, code)).toBe(minor);
    expect(fromMinorUnits(minor, code)).toBe(amount);
  });

  it('accepts at most the currency’s decimals: two for USD, none for JPY', () => {
    expect(fitsMinorUnits(20.5, 'usd')).toBe(true);
    expect(fitsMinorUnits(20.55, 'usd')).toBe(true);
    expect(fitsMinorUnits(20.555, 'usd')).toBe(false);
    expect(fitsMinorUnits(1e-7, 'usd')).toBe(false);
    expect(fitsMinorUnits(500, 'jpy')).toBe(true);
    expect(fitsMinorUnits(500.5, 'jpy')).toBe(false);
  });

  it('writes amounts with the currency’s decimals and code', () => {
    expect(formatMinorUnits(50, 'usd')).toBe('0.50 USD');
    expect(formatMinorUnits(300, 'sek')).toBe('3.00 SEK');
    expect(formatMinorUnits(50, 'jpy')).toBe('50 JPY');
    expect(minimumPriceMessage('usd')).toBe('Price must be at least 0.50 USD');
    expect(minimumPriceMessage('gbp')).toBe('Price must be at least 0.30 GBP');
    expect(minimumPriceMessage('jpy')).toBe('Price must be at least 50 JPY');
  });
});

describe('PAYMENT_CURRENCY', () => {
  const schema = z.object({ PAYMENT_CURRENCY: env.paymentCurrency });

  it('when unset, then it is usd; when given in any case, then it is lower-cased', () => {
    expect(parseConfig(schema, {})).toEqual({ PAYMENT_CURRENCY: 'usd' });
    expect(parseConfig(schema, { PAYMENT_CURRENCY: 'JPY' })).toEqual({ PAYMENT_CURRENCY: 'jpy' });
    expect(parseConfig(schema, { PAYMENT_CURRENCY: 'Eur' })).toEqual({ PAYMENT_CURRENCY: 'eur' });
  });

  it.each(['xyz', 'kwd', 'dollars', 'usd '.repeat(2)])(
    'when it is %p, then the sentence names PAYMENT_CURRENCY and the supported currencies',
    (value) => {
      expect(() => parseConfig(schema, { PAYMENT_CURRENCY: value })).toThrow(
        /PAYMENT_CURRENCY is invalid: .* is not a supported currency; use one of usd, eur, gbp, jpy/,
      );
    },
  );
});

describe('the currency of an event', () => {
  it('when the event carries none (published before amounts carried one), then it is the configured one', () => {
    expect(currencyOfEvent(undefined, 'eur')).toBe('eur');
  });

  it('when the event carries the configured currency, then that is it', () => {
    expect(currencyOfEvent('jpy', 'jpy')).toBe('jpy');
  });

  it('when the event carries another currency, then it refuses with a sentence naming PAYMENT_CURRENCY', () => {
    expect(() => currencyOfEvent('eur', 'usd')).toThrow(CurrencyMismatchError);
    expect(() => currencyOfEvent('eur', 'usd')).toThrow(
      "the event's amount is in EUR but PAYMENT_CURRENCY is USD; every service must be configured with the same PAYMENT_CURRENCY",
    );
  });
});
