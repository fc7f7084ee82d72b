/**
 * Stripe's zero-decimal currencies: an amount in them is a whole number of the currency's unit,
 * sent to the API without multiplying (¥500 is `500`). Every other supported currency has two
 * decimals (€5.00 is `500`). From Stripe's list of supported currencies.
 */
export const ZERO_DECIMAL_CURRENCIES: readonly string[] = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
];

/** What the platform needs to know of a currency it sells in. */
export interface CurrencySpec {
  /** ISO 4217 code, lower case, as Stripe spells it. */
  readonly code: string;
  /** Decimals of the currency's unit: amounts are integers of 10^-exponent units (cents for 2). */
  readonly exponent: 0 | 2;
  /** The smallest amount Stripe charges in this currency, in minor units (USD 0.50 → 50). */
  readonly minimumCharge: number;
}

const spec = (code: string, minimumCharge: number): CurrencySpec => ({
  code,
  exponent: ZERO_DECIMAL_CURRENCIES.includes(code) ? 0 : 2,
  minimumCharge,
});

/**
 * The currencies the platform can sell in (`PAYMENT_CURRENCY`), with Stripe's documented minimum
 * charge for each. Three-decimal currencies and Stripe's special cases (HUF, ISK, TWD, UGX) are
 * left out on purpose; add a currency here, with its minimum, to support it.
 */
export const SUPPORTED_CURRENCIES = {
  usd: spec('usd', 50),
  eur: spec('eur', 50),
  gbp: spec('gbp', 30),
  jpy: spec('jpy', 50),
  cad: spec('cad', 50),
  aud: spec('aud', 50),
  chf: spec('chf', 50),
  sek: spec('sek', 300),
  nok: spec('nok', 300),
  dkk: spec('dkk', 250),
  nzd: spec('nzd', 50),
  sgd: spec('sgd', 50),
  hkd: spec('hkd', 400),
  pln: spec('pln', 200),
  czk: spec('czk', 1500),
  mxn: spec('mxn', 1000),
} as const satisfies Record<string, CurrencySpec>;

export type CurrencyCode = keyof typeof SUPPORTED_CURRENCIES;

export const CURRENCY_CODES = Object.keys(SUPPORTED_CURRENCIES) as [CurrencyCode, ...CurrencyCode[]];

/** The currency every service falls back to when `PAYMENT_CURRENCY` is unset. */
export const DEFAULT_CURRENCY: CurrencyCode = 'usd';

export function isSupportedCurrency(code: string): code is CurrencyCode {
  return Object.hasOwn(SUPPORTED_CURRENCIES, code);
}

export function currencySpec(code: CurrencyCode): CurrencySpec {
  return SUPPORTED_CURRENCIES[code];
}

/**
 * A decimal amount of the currency's unit (the HTTP API's `20.5`) in minor units (`2050`; for
 * JPY `500` → `500`). Exact for amounts with at most `exponent` decimals: their binary error is
 * far below half a minor unit.
 */
export function toMinorUnits(amount: number, code: CurrencyCode): number {
  return Math.round(amount * 10 ** currencySpec(code).exponent);
}

/** Minor units (`2050`) back to the decimal amount the HTTP API speaks (`20.5`). */
export function fromMinorUnits(minor: number, code: CurrencyCode): number {
  return minor / 10 ** currencySpec(code).exponent;
}

/** True when `amount`, as JavaScript prints it, has at most the currency's decimals (JPY: none). */
export function fitsMinorUnits(amount: number, code: CurrencyCode): boolean {
  const { exponent } = currencySpec(code);
  const pattern = exponent === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${exponent}})?$`);
  return pattern.test(String(amount));
}

/** Minor units as people read them, with the code: `50` USD → `0.50 USD`, `50` JPY → `50 JPY`. */
export function formatMinorUnits(minor: number, code: CurrencyCode): string {
  const { exponent } = currencySpec(code);
  return `${fromMinorUnits(minor, code).toFixed(exponent)} ${code.toUpperCase()}`;
}

/** The sentence a price below Stripe's minimum charge is refused with, e.g. "Price must be at least 0.50 USD". */
export function minimumPriceMessage(code: CurrencyCode): string {
  return `Price must be at least ${formatMinorUnits(currencySpec(code).minimumCharge, code)}`;
}
