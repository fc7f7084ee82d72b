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
 * Records that an order's pass was admitted at the door (the first admission counts; `recorded` is
 * false when known) and, in the same statement, says whether the order has an open claim — rare,
 * so an admission costs payments one statement, and a transaction only when a claim is declined.
 */
export async function recordAdmittedOrder(
  db: Executor,
  orderId: string,
  admittedAt: Date,
): Promise<{ recorded: boolean; openClaim: boolean }> {
  const [row] = await recordAdmissionStatement.run(db, [orderId, admittedAt]);
  return { recorded: row?.recorded ?? false, openClaim: row?.open_claim ?? false };
}

const recordAdmissionStatement = preparedStatement<{ recorded: boolean; open_claim: boolean }>(
  'payments_record_admission',
  `with admitted as (
     insert into admitted_orders (order_id, admitted_at) values ($1, $2) on conflict do nothing returning order_id
   )
   select exists (select 1 from admitted) as recorded,
          exists (select 1 from claims where order_id = $1 and status = 'open') as open_claim`,
);

/** The admission of an order's pass, if payments heard of one. */
export async function findAdmittedOrder(
  db: Executor,
  orderId: string,
): Promise<{ orderId: string; admittedAt: Date } | undefined> {
  const [row] = await db.select().from(admittedOrders).where(eq(admittedOrders.orderId, orderId));
  return row;
}
