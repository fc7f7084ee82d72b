import type { DEFAULT_RESALE_PRICE_CAP_PERCENT } from '@ticketing/common/api';
import { DEFAULT_BUYER_FEE_PERCENT, DEFAULT_SELLER_FEE_PERCENT, FEE_PERCENT_MAX } from '@ticketing/common/fees';

/**
 * Where the server side of the app reaches the services: the gateway locally, the Ingress
 * controller in Kubernetes. Read at request time (not at build time), so one image fits every
 * environment.
 */
export function apiBaseUrl(): string {
  const value = process.env.API_URL?.trim() || 'http://127.0.0.1:3000';
  return value.replace(/\/+$/, '');
}

/** Stripe's publishable key, when real Stripe Elements should collect cards; null in the sandbox. */
export function stripePublishableKey(): string | null {
  return process.env.STRIPE_PUBLISHABLE_KEY?.trim() || null;
}

/**
 * common's default cap. A type-only import keeps common (and zod) out of the app's bundles; the
 * literal type makes the compiler refuse this copy if common's value changes.
 */
const DEFAULT_CAP: typeof DEFAULT_RESALE_PRICE_CAP_PERCENT = 120;

/**
 * The highest resale price, in percent of what the holder paid: `RESALE_PRICE_CAP_PERCENT`, the
 * tickets service's setting (an integer from 100 to 1000), so the sell page states the cap the
 * service enforces. Anything else in the variable is ignored with a warning.
 */
export function resalePriceCapPercent(): number {
  const raw = process.env.RESALE_PRICE_CAP_PERCENT?.trim();
  if (!raw) return DEFAULT_CAP;
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= 100 && value <= 1000) return value;
  console.warn(
    `[client] RESALE_PRICE_CAP_PERCENT=${JSON.stringify(raw)} is not an integer from 100 to 1000: using ${DEFAULT_CAP}`,
  );
  return DEFAULT_CAP;
}

/**
 * A fee percentage as the services accept it (`env.feePercent` in common): a number from 0 to
 * `FEE_PERCENT_MAX` with at most two decimals. Anything else is ignored with a warning, and the
 * default shown — the services would not start with it.
 */
function feePercent(name: 'BUYER_FEE_PERCENT' | 'SELLER_FEE_PERCENT', fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (/^\d+(\.\d{1,2})?$/.test(raw) && value >= 0 && value <= FEE_PERCENT_MAX) return value;
  console.warn(
    `[client] ${name}=${JSON.stringify(raw)} is not a number from 0 to ${FEE_PERCENT_MAX} with at most two decimals: using ${fallback}`,
  );
  return fallback;
}

/** The buyer fee in percent of a ticket's price (`BUYER_FEE_PERCENT`, orders' setting): every price a buyer sees includes it. */
export function buyerFeePercent(): number {
  return feePercent('BUYER_FEE_PERCENT', DEFAULT_BUYER_FEE_PERCENT);
}

/** The seller fee in percent of a ticket's price (`SELLER_FEE_PERCENT`, payments' setting): the sell forms show what is left. */
export function sellerFeePercent(): number {
  return feePercent('SELLER_FEE_PERCENT', DEFAULT_SELLER_FEE_PERCENT);
}
