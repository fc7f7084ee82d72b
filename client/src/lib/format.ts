const formats = new Map<string, Intl.NumberFormat>();

/**
 * A decimal price in `currency` (the services' lower-case ISO code) as people read it, with the
 * currency's own decimals: 20.5 usd → "$20.50", 5000 jpy → "¥5,000".
 */
export function formatPrice(price: number, currency = 'usd'): string {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
    formats.set(currency, format);
  }
  return format.format(price);
}

/** Seconds left → "14:59" (or "1:02:03" past an hour). */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A decimal price as an integer of the currency's minor units, the way Stripe takes amounts:
 * 20.5 usd → 2050, 5000 jpy → 5000.
 */
export function toMinorUnits(price: number, currency: string): number {
  return Math.round(price * 10 ** currencyDecimals(currency));
}

/** An integer of the currency's minor units as a decimal price: 2050 usd → 20.5, 5000 jpy → 5000. */
export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyDecimals(currency);
}

function currencyDecimals(currency: string): number {
  return (
    new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as people read it, e.g. "Dec 6, 2026, 9:40 PM", in `timeZone` (the reader's own when undefined). */
export function formatDateTime(iso: string, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateTimeFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

/** An order id for display: its first 8 characters, upper-case ("7D2F6A3C"), as receipts show one. */
export function shortOrderNumber(id: string): string {
  return id.replace(/-/g, '').slice(0, 8).toUpperCase();
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** An ISO instant as a calendar date people read ("Dec 6, 2026"), in UTC so server and browser agree. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
