import type { CurrencyCode } from './currencies';

/**
 * An event priced in another currency than the one this service is configured with: the
 * services disagree on `PAYMENT_CURRENCY`. Applying the amount would show or charge it in the
 * wrong currency, so the listener fails (logged as an error) and the event is retried until the
 * configurations agree.
 */
export class CurrencyMismatchError extends Error {
  override readonly name = 'CurrencyMismatchError';

  constructor(
    readonly carried: string,
    readonly configured: CurrencyCode,
  ) {
    super(
      `the event's amount is in ${carried.toUpperCase()} but PAYMENT_CURRENCY is ${configured.toUpperCase()}; every service must be configured with the same PAYMENT_CURRENCY`,
    );
  }
}

/**
 * The currency of an amount an event carries: the event's `currency`, or `configured` for events
 * published before amounts carried one. Throws {@link CurrencyMismatchError} when they differ.
 */
export function currencyOfEvent(carried: string | undefined, configured: CurrencyCode): CurrencyCode {
  if (carried === undefined || carried === configured) return configured;
  throw new CurrencyMismatchError(carried, configured);
}
