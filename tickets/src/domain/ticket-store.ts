import type { Database, OutboxRelay } from '@ticketing/common';
import type { schema } from '../db/schema';

/** What the use cases need: the database for reads, the relay for transactions that publish. */
export interface TicketStore {
  db: Database<typeof schema>;
  relay: OutboxRelay<typeof schema>;
}
