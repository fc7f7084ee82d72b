const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 20.5 → "$20.50". */
export function formatPrice(price: number): string {
  return usd.format(price);
}

/** Seconds left → "14:59" (or "1:02:03" past an hour). */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
