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

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** An ISO instant as a calendar date people read ("Dec 6, 2026"), in UTC so server and browser agree. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
