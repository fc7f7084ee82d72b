import { sellerReceives } from '@/lib/fees';
import { formatPrice } from '@/lib/format';
import { parsePrice } from '@/lib/ticket-input';

interface SellerReceivesProps {
  /** The price as typed. */
  price: string;
  currency: string;
  /** SELLER_FEE_PERCENT, read on the server. */
  sellerFeePercent: number;
}

/**
 * "You will receive $20.90 after the 5% seller fee", following the price as the seller types it,
 * so they know what a sale pays before they list. Polite: a screen reader says it after the typing.
 * Empty while the price is not a valid one (the field's own error says why).
 */
export function SellerReceives({ price, currency, sellerFeePercent }: SellerReceivesProps) {
  const value = parsePrice(price);
  return (
    <p className="seller-receives" aria-live="polite">
      {value !== undefined && value > 0
        ? `You will receive ${formatPrice(sellerReceives(value, currency, sellerFeePercent), currency)} after the ${sellerFeePercent}% seller fee`
        : null}
    </p>
  );
}
