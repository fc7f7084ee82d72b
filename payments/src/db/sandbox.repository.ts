import type { Executor } from '@ticketing/common';
import { and, eq, isNull, sql } from 'drizzle-orm';
import {
  type SandboxAccountRow,
  type SandboxPaymentIntentRow,
  type SandboxTransferRow,
  sandboxAccounts,
  sandboxPaymentIntents,
  sandboxTransfers,
} from './schema';

export type NewSandboxPaymentIntent = Omit<SandboxPaymentIntentRow, 'refundId' | 'refundIdempotencyKey' | 'createdAt'>;

/** Stores an intent unless its idempotency key is taken; returns the row stored under the key either way. */
export async function storeSandboxIntent(
  db: Executor,
  intent: NewSandboxPaymentIntent,
): Promise<SandboxPaymentIntentRow> {
  const [inserted] = await db.insert(sandboxPaymentIntents).values(intent).onConflictDoNothing().returning();
  return inserted ?? (await findSandboxIntentByKey(db, intent.idempotencyKey))!;
}

export async function findSandboxIntentByKey(db: Executor, key: string): Promise<SandboxPaymentIntentRow | undefined> {
  const [row] = await db.select().from(sandboxPaymentIntents).where(eq(sandboxPaymentIntents.idempotencyKey, key));
  return row;
}

export async function findSandboxIntent(db: Executor, id: string): Promise<SandboxPaymentIntentRow | undefined> {
  const [row] = await db.select().from(sandboxPaymentIntents).where(eq(sandboxPaymentIntents.id, id));
  return row;
}

/** The intent a payment created, found by the `paymentId` of its metadata (most recent first). */
export async function findSandboxIntentOfPayment(
  db: Executor,
  paymentId: string,
): Promise<SandboxPaymentIntentRow | undefined> {
  const [row] = await db
    .select()
    .from(sandboxPaymentIntents)
    .where(and(sql`${sandboxPaymentIntents.metadata}->>'paymentId' = ${paymentId}`, sql`status <> 'rejected'`))
    .orderBy(sql`${sandboxPaymentIntents.createdAt} desc`)
    .limit(1);
  return row;
}

export async function findSandboxRefundByKey(db: Executor, key: string): Promise<SandboxPaymentIntentRow | undefined> {
  const [row] = await db
    .select()
    .from(sandboxPaymentIntents)
    .where(eq(sandboxPaymentIntents.refundIdempotencyKey, key));
  return row;
}

/** Records the refund of an intent not refunded yet; undefined when it already was. */
export async function markSandboxIntentRefunded(
  db: Executor,
  id: string,
  refund: { refundId: string; idempotencyKey: string },
): Promise<SandboxPaymentIntentRow | undefined> {
  const [row] = await db
    .update(sandboxPaymentIntents)
    .set({ refundId: refund.refundId, refundIdempotencyKey: refund.idempotencyKey })
    .where(and(eq(sandboxPaymentIntents.id, id), isNull(sandboxPaymentIntents.refundId)))
    .returning();
  return row;
}

/** Stores a sandbox account unless its idempotency key is taken; returns the account stored under the key. */
export async function storeSandboxAccount(
  db: Executor,
  account: Pick<SandboxAccountRow, 'id' | 'idempotencyKey' | 'userId'>,
): Promise<SandboxAccountRow> {
  const [inserted] = await db.insert(sandboxAccounts).values(account).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const [stored] = await db
    .select()
    .from(sandboxAccounts)
    .where(eq(sandboxAccounts.idempotencyKey, account.idempotencyKey));
  return stored!;
}

export async function findSandboxAccount(db: Executor, id: string): Promise<SandboxAccountRow | undefined> {
  const [row] = await db.select().from(sandboxAccounts).where(eq(sandboxAccounts.id, id));
  return row;
}

export type NewSandboxTransfer = Omit<SandboxTransferRow, 'reversalId' | 'reversalIdempotencyKey' | 'createdAt'>;

/** Stores a transfer unless its idempotency key is taken; returns the transfer stored under the key either way. */
export async function storeSandboxTransfer(db: Executor, transfer: NewSandboxTransfer): Promise<SandboxTransferRow> {
  const [inserted] = await db.insert(sandboxTransfers).values(transfer).onConflictDoNothing().returning();
  return inserted ?? (await findSandboxTransferByKey(db, transfer.idempotencyKey))!;
}

export async function findSandboxTransferByKey(db: Executor, key: string): Promise<SandboxTransferRow | undefined> {
  const [row] = await db.select().from(sandboxTransfers).where(eq(sandboxTransfers.idempotencyKey, key));
  return row;
}

export async function findSandboxTransfer(db: Executor, id: string): Promise<SandboxTransferRow | undefined> {
  const [row] = await db.select().from(sandboxTransfers).where(eq(sandboxTransfers.id, id));
  return row;
}

export async function findSandboxReversalByKey(db: Executor, key: string): Promise<SandboxTransferRow | undefined> {
  const [row] = await db.select().from(sandboxTransfers).where(eq(sandboxTransfers.reversalIdempotencyKey, key));
  return row;
}

/** Records the reversal of a transfer not reversed yet; undefined when it already was. */
export async function markSandboxTransferReversed(
  db: Executor,
  id: string,
  reversal: { reversalId: string; idempotencyKey: string },
): Promise<SandboxTransferRow | undefined> {
  const [row] = await db
    .update(sandboxTransfers)
    .set({ reversalId: reversal.reversalId, reversalIdempotencyKey: reversal.idempotencyKey })
    .where(and(eq(sandboxTransfers.id, id), isNull(sandboxTransfers.reversalId)))
    .returning();
  return row;
}
