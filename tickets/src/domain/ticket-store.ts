import type { CurrencyCode, Database, OutboxRelay } from '@ticketing/common';
import type { schema } from '../db/schema';

/**
 * What the use cases need: the database for reads, the relay for transactions that publish, and
 * the currency (PAYMENT_CURRENCY) every stored and published price is in, and the resale price cap.
 */
export interface TicketStore {
  db: Database<typeof schema>;
  relay: OutboxRelay<typeof schema>;
  currency: CurrencyCode;
  /** RESALE_PRICE_CAP_PERCENT: the highest resale price, in percent of what the pass's holder paid. */
  resalePriceCapPercent: number;
}
