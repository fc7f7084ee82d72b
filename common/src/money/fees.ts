/** The highest fee percentage `BUYER_FEE_PERCENT` and `SELLER_FEE_PERCENT` accept. */
export const FEE_PERCENT_MAX = 50;

/** The fees' defaults: the buyer pays 10 % on top of the ticket's price; the seller gives up 5 % of it. */
export const DEFAULT_BUYER_FEE_PERCENT = 10;
export const DEFAULT_SELLER_FEE_PERCENT = 5;

/**
 * `percent` % of `amount` (minor units), rounded half up to a whole minor unit. Computed in basis
 * points with integers, so 7.5 % of 1999 is 150 on every machine, never 149.99999.
 */
export function percentOf(amount: number, percent: number): number {
  const basisPoints = Math.round(percent * 100);
  return Math.floor((amount * basisPoints + 5_000) / 10_000);
}

/** What a buyer pays for a ticket of `price` (minor units): the price, the buyer fee and their sum. */
export interface OrderAmounts {
  price: number;
  buyerFee: number;
  total: number;
}

/** The amounts an order stores at reservation: the all-in `total` is what is charged. */
export function orderAmounts(price: number, buyerFeePercent: number): OrderAmounts {
  const buyerFee = percentOf(price, buyerFeePercent);
  return { price, buyerFee, total: price + buyerFee };
}

/** What the seller of a ticket sold at `price` (minor units) is paid: the price less the seller fee. */
export interface SellerProceeds {
  sellerFee: number;
  payout: number;
}

export function sellerProceeds(price: number, sellerFeePercent: number): SellerProceeds {
  const sellerFee = percentOf(price, sellerFeePercent);
  return { sellerFee, payout: price - sellerFee };
}
