import type { CurrencyCode, Database, Logger, OutboxRelay } from '@ticketing/common';
import type { schema } from '../db/schema';
import type { PaymentGateway } from '../gateway/payment-gateway';
import type { PaymentMetrics } from '../metrics';

export type PaymentsSchema = typeof schema;

/**
 * What the use cases need: reads go to `db`; a state change and its event go through
 * `relay.transaction`; charges and refunds go to the gateway, never inside a transaction.
 */
export interface PaymentsDeps {
  db: Database<PaymentsSchema>;
  relay: OutboxRelay<PaymentsSchema>;
  gateway: PaymentGateway;
  metrics: Pick<PaymentMetrics, 'succeeded' | 'declined' | 'refunded'>;
  logger: Logger;
  /** Currency of every charge (PAYMENT_CURRENCY); order prices are in its minor units. */
  currency: CurrencyCode;
  /** How long a payment waits for an order this replica has not heard of yet (ORDER_WAIT_MS). */
  orderWaitMs: number;
  /** Has the refund worker look for due refund intents now: call it after committing one. */
  wakeRefunds(): void;
  /** What the platform keeps of a ticket's price when paying its seller (SELLER_FEE_PERCENT). */
  sellerFeePercent: number;
  /** How long after the event's start (or the sale) a seller is paid (PAYOUT_HOLD_HOURS). */
  payoutHoldHours: number;
  /** How long a version gap in the orders replica lasts before it is skipped (GAP_HEAL_SECONDS; default 60 s). */
  gapHealMs?: number;
}

export const DEFAULT_GAP_HEAL_MS = 60_000;
