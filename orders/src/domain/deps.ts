import type { CurrencyCode, Database, OutboxRelay } from '@ticketing/common';
import type { schema } from '../db/schema';

export type OrdersSchema = typeof schema;

/**
 * What the use cases need: reads go to `db`; a state change and its event go through
 * `relay.transaction`; every stored price is in minor units of `currency` (PAYMENT_CURRENCY).
 */
export interface OrdersDeps {
  db: Database<OrdersSchema>;
  relay: OutboxRelay<OrdersSchema>;
  currency: CurrencyCode;
  /** How long a version gap in the tickets replica lasts before it is skipped (GAP_HEAL_SECONDS; default 60 s). */
  gapHealMs?: number;
}

export const DEFAULT_GAP_HEAL_MS = 60_000;
