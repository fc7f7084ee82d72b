import { type Executor, preparedStatement, updateVersioned } from '@ticketing/common';
import { eq } from 'drizzle-orm';
import { admittedOrders, type CatalogEventRow, events } from './schema';

export async function findCatalogEvent(db: Executor, id: string): Promise<CatalogEventRow | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row;
}

/** Inserts an event's replica at its first version; false when it is already there. */
export async function insertCatalogEvent(db: Executor, event: CatalogEventRow): Promise<boolean> {
  const inserted = await db.insert(events).values(event).onConflictDoNothing().returning({ id: events.id });
  return inserted.length > 0;
}

/** Moves the replica to `event.version` when it holds the version before it. */
export function updateCatalogEventToVersion(
  db: Executor,
  event: CatalogEventRow,
): Promise<CatalogEventRow | undefined> {
  const { id, version, ...values } = event;
  return updateVersioned(db, events, id, version - 1, values);
}

/** The replica takes the event as it is, whatever version it held (a gap that healed, a resync). */
export async function overwriteCatalogEvent(db: Executor, event: CatalogEventRow): Promise<void> {
  const { id, ...values } = event;
  await db.insert(events).values(event).onConflictDoUpdate({ target: events.id, set: values });
}

/**
 * Records that an order's pass was admitted at the door (the first admission counts); false when
 * known. A prepared statement, run on its own (committed at once): every admission runs it.
 */
export async function recordAdmittedOrder(db: Executor, orderId: string, admittedAt: Date): Promise<boolean> {
  return (await recordAdmissionStatement.run(db, [orderId, admittedAt])).length > 0;
}

const recordAdmissionStatement = preparedStatement<{ order_id: string }>(
  'payments_record_admission',
  'insert into admitted_orders (order_id, admitted_at) values ($1, $2) on conflict do nothing returning order_id',
);

/**
 * Records the admissions of several orders' passes in one statement (the first admission of each
 * counts, as {@link recordAdmittedOrder}); returns how many were new.
 */
export async function recordAdmittedOrders(
  db: Executor,
  admissions: readonly { orderId: string; admittedAt: Date }[],
): Promise<number> {
  const rows = await recordAdmissionsStatement.run(db, [
    admissions.map((admission) => admission.orderId),
    admissions.map((admission) => admission.admittedAt),
  ]);
  return rows.length;
}

const recordAdmissionsStatement = preparedStatement<{ order_id: string }>(
  'payments_record_admissions',
  `insert into admitted_orders (order_id, admitted_at)
   select * from unnest($1::uuid[], $2::timestamptz[])
   on conflict do nothing returning order_id`,
);

/** The admission of an order's pass, if payments heard of one. */
export async function findAdmittedOrder(
  db: Executor,
  orderId: string,
): Promise<{ orderId: string; admittedAt: Date } | undefined> {
  const [row] = await db.select().from(admittedOrders).where(eq(admittedOrders.orderId, orderId));
  return row;
}
