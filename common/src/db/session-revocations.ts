import { and, gt, sql } from 'drizzle-orm';
import { index, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Executor } from './create-database';
import type { RetainedTable } from './retention';

/**
 * Sessions auth revoked (sign-out), as a service that reads session cookies remembers them
 * (session.revoked). Services put this table and {@link revokedUsers} into their own Drizzle
 * schema (`export { revokedSessions, revokedUsers } from '@ticketing/common'`), as they do the
 * outbox, so drizzle-kit generates them into their migrations.
 */
export const revokedSessions = pgTable(
  'revoked_sessions',
  {
    sessionId: uuid('session_id').primaryKey(),
    userId: uuid('user_id').notNull(),
    /** When the session's token expires anyway: the row is pruned after it. */
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    /** When this database learnt of it: every replica reads the rows recorded since its last look. */
    recordedAt: timestamp('recorded_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('revoked_sessions_recorded_idx').on(table.recordedAt)],
);

/** Users whose every session issued before `before` was ended ("sign out everywhere", session.revoked-all). */
export const revokedUsers = pgTable(
  'revoked_users',
  {
    userId: uuid('user_id').primaryKey(),
    before: timestamp('before', { withTimezone: true, precision: 3 }).notNull(),
    /** When the last token issued before `before` expires anyway: the row is pruned after it. */
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('revoked_users_recorded_idx').on(table.recordedAt)],
);

/**
 * The revocation tables for `openEventService`'s `retainedTables`: a row goes once the token it
 * refuses has expired, since an expired token is refused anyway.
 */
export const SESSION_REVOCATION_TABLES: readonly RetainedTable[] = [
  { table: revokedSessions, writtenAt: revokedSessions.expiresAt, retentionMs: 0 },
  { table: revokedUsers, writtenAt: revokedUsers.expiresAt, retentionMs: 0 },
];

/** Remembers a revoked session. Idempotent: a redelivered event changes nothing. */
export async function recordSessionRevoked(
  db: Executor,
  revoked: { sessionId: string; userId: string; expiresAt: Date },
): Promise<void> {
  await db.insert(revokedSessions).values(revoked).onConflictDoNothing();
}

/**
 * Remembers that every session of a user issued before `before` is revoked. A later "sign out
 * everywhere" moves `before` forward; an older one, delivered late, never moves it back.
 */
export async function recordUserSessionsRevoked(
  db: Executor,
  revoked: { userId: string; before: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insert(revokedUsers)
    .values(revoked)
    .onConflictDoUpdate({
      target: revokedUsers.userId,
      set: {
        before: sql`greatest(${revokedUsers.before}, excluded.before)`,
        expiresAt: sql`greatest(${revokedUsers.expiresAt}, excluded.expires_at)`,
        recordedAt: sql`now()`,
      },
    });
}

/** A snapshot of the revocations still in force, or of those recorded since a moment. */
export interface RevocationRows {
  sessions: { sessionId: string; expiresAt: Date; recordedAt: Date }[];
  users: { userId: string; before: Date; expiresAt: Date; recordedAt: Date }[];
}

/**
 * The revocations whose tokens have not expired yet, all of them or only those recorded after
 * `since` (the database's clock, as `recordedAt` is). The two reads run one after the other: run
 * together every second, they kept a second PostgreSQL connection (a server process) open in
 * every service while it was idle.
 */
export async function readRevocations(db: Executor, since?: Date): Promise<RevocationRows> {
  const sessions = await db
    .select({
      sessionId: revokedSessions.sessionId,
      expiresAt: revokedSessions.expiresAt,
      recordedAt: revokedSessions.recordedAt,
    })
    .from(revokedSessions)
    .where(and(since ? gt(revokedSessions.recordedAt, since) : undefined, sql`${revokedSessions.expiresAt} > now()`));
  const users = await db
    .select({
      userId: revokedUsers.userId,
      before: revokedUsers.before,
      expiresAt: revokedUsers.expiresAt,
      recordedAt: revokedUsers.recordedAt,
    })
    .from(revokedUsers)
    .where(and(since ? gt(revokedUsers.recordedAt, since) : undefined, sql`${revokedUsers.expiresAt} > now()`));
  return { sessions, users };
}
