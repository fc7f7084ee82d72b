/** The highest price a ticket may have, in currency units. */
export const MAX_PRICE = 1_000_000;

/** A positive decimal with at most two decimals, as JavaScript prints it (1e-7 and 1.005 do not match). */
const TWO_DECIMALS = /^\d+(\.\d{1,2})?$/;

/**
 * Why `price` is not an acceptable ticket price, or undefined when it is: a JSON number (not a
 * numeric string), > 0, ≤ {@link MAX_PRICE}, with at most two decimals.
 */
export function priceProblem(price: unknown): string | undefined {
  if (typeof price !== 'number' || Number.isNaN(price)) return 'Price must be a number';
  if (price <= 0) return 'Price must be greater than 0';
  if (price > MAX_PRICE) return `Price must be at most ${MAX_PRICE}`;
  if (!TWO_DECIMALS.test(String(price))) return 'Price must have at most 2 decimal places';
  return undefined;
}

/** Units to cents; exact for the prices {@link priceProblem} accepts (their binary error is far below half a cent). */
export const toCents = (price: number): number => Math.round(price * 100);

export const fromCents = (cents: number): number => cents / 100;
