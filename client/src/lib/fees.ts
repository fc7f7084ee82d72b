/**
 * The fees as the services compute them: the all-in price a buyer pays (the ticket's price plus
 * the buyer fee) and what a seller receives (the price less the seller fee). The arithmetic is
 * common's own (`common/src/money/fees.ts`, which imports nothing, so the bundle gets only it):
 * the page never shows another figure than the order stores and payments charges.
 */
import { orderAmounts, sellerProceeds } from '@ticketing/common/fees';
import { formatPrice, fromMinorUnits, toMinorUnits } from './format';

/** A price with its buyer fee and their sum, in decimal units of `currency`. */
export interface PriceBreakdownAmounts {
  price: number;
  buyerFee: number;
  total: number;
  currency: string;
}

/** What a buyer pays for a ticket listed at `price` (decimal units) with `buyerFeePercent`. */
export function allInPrice(price: number, currency: string, buyerFeePercent: number): PriceBreakdownAmounts {
  const amounts = orderAmounts(toMinorUnits(price, currency), buyerFeePercent);
  return {
    price,
    buyerFee: fromMinorUnits(amounts.buyerFee, currency),
    total: fromMinorUnits(amounts.total, currency),
    currency,
  };
}

/** "Ticket $45.00 · Service fee $4.50 · Total $49.50". */
export function breakdownText({ price, buyerFee, total, currency }: PriceBreakdownAmounts): string {
  return `Ticket ${formatPrice(price, currency)} · Service fee ${formatPrice(buyerFee, currency)} · Total ${formatPrice(total, currency)}`;
}

/** What the seller of a ticket listed at `price` (decimal units) receives: the price less the seller fee. */
export function sellerReceives(price: number, currency: string, sellerFeePercent: number): number {
  return fromMinorUnits(sellerProceeds(toMinorUnits(price, currency), sellerFeePercent).payout, currency);
}
