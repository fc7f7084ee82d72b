import { type EventCreatedData, type Executor, RetryLaterError } from '@ticketing/common';
import {
  findCatalogEvent,
  insertCatalogEvent,
  overwriteCatalogEvent,
  recordAdmittedOrder,
  recordAdmittedOrders,
  updateCatalogEventToVersion,
} from '../db/catalog-events.repository';
import type { CatalogEventRow } from '../db/schema';

/** How an event met its replica. */
export type ReplicaOutcome = 'applied' | 'duplicate' | 'gap-skipped';

export interface GapOptions {
  storedAt: Date;
  healMs: number;
  /** A resync: the replica takes the event as it is, whatever version it holds. */
  resync?: boolean;
  now?: Date;
}

/**
 * event.created / event.updated: the replica keeps when each catalog event starts, which sets when
 * its tickets' sellers are paid. Full-state and versioned like the other replicas: the next version
 * is applied, an older or equal one is a duplicate, an early one (or one of an event not seen yet)
 * is retried until the gap has lasted `healMs`, after which the event's whole state is taken.
 */
export async function applyCatalogEvent(
  db: Executor,
  data: EventCreatedData,
  gap: GapOptions,
): Promise<ReplicaOutcome> {
  const row: CatalogEventRow = { id: data.id, startsAt: new Date(data.startsAt), version: data.version };
  if (gap.resync) {
    await overwriteCatalogEvent(db, row);
    return 'applied';
  }
  if (row.version === 0) return (await insertCatalogEvent(db, row)) ? 'applied' : 'duplicate';
  if (await updateCatalogEventToVersion(db, row)) return 'applied';
  const local = await findCatalogEvent(db, row.id);
  if (local && row.version <= local.version) return 'duplicate';
  if ((gap.now ?? new Date()).getTime() - gap.storedAt.getTime() >= gap.healMs) {
    await overwriteCatalogEvent(db, row);
    return 'gap-skipped';
  }
  throw new RetryLaterError(
    local
      ? `event ${row.id} is at version ${local.version}, waiting before ${row.version}`
      : `event ${row.id} is not known yet (version ${row.version} arrived first)`,
  );
}

/**
 * pass.admitted: the order whose pass was admitted is remembered (committed at once), so a claim
 * on it ("my ticket did not work") can be declined. An admission without `orderId` (published
 * before it was carried) says nothing payments can use. Returns whether an admission was recorded.
 */
export async function recordAdmission(db: Executor, data: { orderId?: string; admittedAt: string }): Promise<boolean> {
  if (!data.orderId) return false;
  return recordAdmittedOrder(db, data.orderId, new Date(data.admittedAt));
}

/**
 * {@link recordAdmission} for a group of pass.admitted, in one statement. Returns the admissions
 * that name their order (the others say nothing payments can use) and how many were new.
 */
export async function recordAdmissions(
  db: Executor,
  data: readonly { orderId?: string; admittedAt: string }[],
): Promise<{ admissions: { orderId: string; admittedAt: Date }[]; recorded: number }> {
  const admissions = data.flatMap(({ orderId, admittedAt }) =>
    orderId ? [{ orderId, admittedAt: new Date(admittedAt) }] : [],
  );
  return { admissions, recorded: admissions.length > 0 ? await recordAdmittedOrders(db, admissions) : 0 };
}
