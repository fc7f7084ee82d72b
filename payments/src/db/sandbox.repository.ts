import type { Executor } from '@ticketing/common';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type SandboxPaymentIntentRow, sandboxPaymentIntents } from './schema';

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
