import type { Database, Logger, OutboxRelay } from '@ticketing/common';
import type { schema } from '../db/schema';
import type { PassMetrics } from '../metrics';
import type { PassKeys } from '../signing/pass-keys';

export type PassesSchema = typeof schema;

/**
 * What the use cases need: reads go to `db`; a state change and its event go through
 * `relay.transaction`; codes are signed and verified with `keys`.
 */
export interface PassesDeps {
  db: Database<PassesSchema>;
  relay: OutboxRelay<PassesSchema>;
  keys: PassKeys;
  metrics: Pick<PassMetrics, 'issued' | 'revoked' | 'admitted' | 'scansRefused' | 'resaleConflicts'>;
  logger: Logger;
  /** How long a version gap in a replica lasts before it is skipped (GAP_HEAL_SECONDS; default 60 s). */
  gapHealMs?: number;
}

export const DEFAULT_GAP_HEAL_MS = 60_000;

/** Whether an event stored at `storedAt` has waited long enough for its predecessors. */
export const gapHealed = (storedAt: Date, healMs: number, now = new Date()): boolean =>
  now.getTime() - storedAt.getTime() >= healMs;
