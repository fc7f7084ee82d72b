import type { Executor } from '@ticketing/common';
import { eq, sql } from 'drizzle-orm';
import { type PayoutAccountRow, payoutAccounts } from './schema';

export async function findPayoutAccount(db: Executor, userId: string): Promise<PayoutAccountRow | undefined> {
  const [row] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.userId, userId)).limit(1);
  return row;
}

/**
 * Stores a seller's account unless they have one; returns the one stored either way (two requests
 * racing create the same account at the gateway, by its idempotency key).
 */
export async function storePayoutAccount(
  db: Executor,
  account: Pick<PayoutAccountRow, 'userId' | 'accountId' | 'ready'>,
): Promise<PayoutAccountRow> {
  const [inserted] = await db.insert(payoutAccounts).values(account).onConflictDoNothing().returning();
  return inserted ?? (await findPayoutAccount(db, account.userId))!;
}

/** Records that the account can receive transfers now (onboarding finished). */
export async function markPayoutAccountReady(db: Executor, userId: string): Promise<void> {
  await db.update(payoutAccounts).set({ ready: true, updatedAt: sql`now()` }).where(eq(payoutAccounts.userId, userId));
}

/**
 * Sets whether the connected account `accountId` can receive transfers, as Stripe now says
 * (account.updated); the seller it belongs to, or undefined for an account that is not ours.
 */
export async function setPayoutAccountReadiness(
  db: Executor,
  accountId: string,
  ready: boolean,
): Promise<string | undefined> {
  const [row] = await db
    .update(payoutAccounts)
    .set({ ready, updatedAt: sql`now()` })
    .where(eq(payoutAccounts.accountId, accountId))
    .returning({ userId: payoutAccounts.userId });
  return row?.userId;
}
