import { breakdownText, type PriceBreakdownAmounts } from '@/lib/fees';
import { formatPrice } from '@/lib/format';

interface AllInPriceProps {
  amounts: PriceBreakdownAmounts;
  /** Classes of the price itself (its size and colour where it is shown). */
  className?: string;
  /** What the price is of, read after "Price breakdown" by screen readers when a page lists several. */
  of?: string;
}

/**
 * The all-in price a buyer pays (ticket + service fee), with its breakdown one click away: the
 * law for live-event tickets asks for the total up front, and a buyer may still want to see what
 * the seller asks and what the fee is.
 */
export function AllInPrice({ amounts, className, of }: AllInPriceProps) {
  return (
    <div className="all-in-price">
      <p className={className ? `${className} price` : 'price'}>{formatPrice(amounts.total, amounts.currency)}</p>
      <details className="price-breakdown">
        <summary>Price breakdown{of ? <span className="visually-hidden"> for {of}</span> : null}</summary>
        <p className="price-breakdown__text">{breakdownText(amounts)}</p>
      </details>
    </div>
  );
}
