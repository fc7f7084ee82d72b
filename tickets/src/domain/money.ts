import { type CurrencyCode, currencySpec, fitsMinorUnits } from '@ticketing/common';

/** The highest price a ticket may have, in currency units. */
export const MAX_PRICE = 1_000_000;

/**
 * Why `price` is not an acceptable ticket price in `currency`, or undefined when it is: a JSON
 * number (not a numeric string), > 0, ≤ {@link MAX_PRICE}, with at most the currency's decimals
 * (two for USD; none for JPY). Stripe's minimum charge is a rule of the listing, checked by the
 * use case.
 */
export function priceProblem(price: unknown, currency: CurrencyCode): string | undefined {
  if (typeof price !== 'number' || Number.isNaN(price)) return 'Price must be a number';
  if (price <= 0) return 'Price must be greater than 0';
  if (price > MAX_PRICE) return `Price must be at most ${MAX_PRICE}`;
  if (!fitsMinorUnits(price, currency)) {
    const { exponent } = currencySpec(currency);
    return exponent === 0 ? 'Price must be a whole number' : `Price must have at most ${exponent} decimal places`;
  }
  return undefined;
}
