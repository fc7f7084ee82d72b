import { type Executor, preparedStatement } from '@ticketing/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { type ClaimRow, ClaimStatus, claims } from './schema';

/** Stores a claim unless the order has one; returns it when it is new. */
export async function insertClaim(
  tx: Executor,
  claim: Pick<ClaimRow, 'id' | 'orderId' | 'buyerId' | 'message'> &
    Partial<Pick<ClaimRow, 'status' | 'reason' | 'resolvedAt' | 'version'>>,
): Promise<ClaimRow | undefined> {
  const [row] = await tx
    .insert(claims)
    .values({ status: ClaimStatus.Open, ...claim })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findClaim(db: Executor, id: string): Promise<ClaimRow | undefined> {
  const [row] = await db.select().from(claims).where(eq(claims.id, id));
  return row;
}

export async function findClaimOfOrder(db: Executor, orderId: string): Promise<ClaimRow | undefined> {
  const [row] = await db.select().from(claims).where(eq(claims.orderId, orderId));
  return row;
}

/** Whether the order has an open claim: a prepared statement, since every admission at the door asks. */
export async function hasOpenClaim(db: Executor, orderId: string): Promise<boolean> {
  return (await openClaimStatement.run(db, [orderId])).length > 0;
}

const openClaimStatement = preparedStatement<{ id: string }>(
  'payments_open_claim_of_order',
  `select id from claims where order_id = $1 and status = '${ClaimStatus.Open}' limit 1`,
);

/** Which of `orderIds` have an open claim: one statement for the admissions of a group. */
export async function ordersWithOpenClaim(db: Executor, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  return (await openClaimsStatement.run(db, [orderIds])).map((row) => row.order_id);
}

const openClaimsStatement = preparedStatement<{ order_id: string }>(
  'payments_open_claims_of_orders',
  `select order_id from claims where order_id = any($1::uuid[]) and status = '${ClaimStatus.Open}'`,
);

/**
 * Decides a claim that is still open (its next version); undefined when it was decided meanwhile
 * (two operators, or an admission arriving at the same time).
 */
export async function resolveOpenClaim(
  tx: Executor,
  id: string,
  change: Pick<ClaimRow, 'status' | 'reason' | 'resolvedBy'>,
): Promise<ClaimRow | undefined> {
  const [row] = await tx
    .update(claims)
    .set({ ...change, resolvedAt: sql`now()`, version: sql`${claims.version} + 1` })
    .where(and(eq(claims.id, id), eq(claims.status, ClaimStatus.Open)))
    .returning();
  return row;
}

/** Claims, newest first: a buyer's (`buyerId`), or every one; only those in `status` when given. */
export function listClaims(
  db: Executor,
  { buyerId, status, limit = 200 }: { buyerId?: string; status?: ClaimStatus; limit?: number },
): Promise<ClaimRow[]> {
  return db
    .select()
    .from(claims)
    .where(and(buyerId ? eq(claims.buyerId, buyerId) : undefined, status ? eq(claims.status, status) : undefined))
    .orderBy(desc(claims.openedAt), desc(claims.id))
    .limit(limit);
}
