import type { Executor } from '@ticketing/common';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { sessions } from './schema';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Executor, session: SessionRow): Promise<void> {
  await db.insert(sessions).values(session);
}

/** Whether the session exists for this user, is not revoked and has not expired. */
export async function isActiveSession(db: Executor, sessionId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.id, sessionId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * Marks one active session revoked; returns it, or undefined when it was unknown, another user's,
 * or already revoked (a second sign-out with the same cookie).
 */
export async function revokeSession(
  db: Executor,
  sessionId: string,
  userId: string,
  at: Date,
): Promise<{ expiresAt: Date } | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ expiresAt: sessions.expiresAt });
  return row;
}

/** Marks every unrevoked session of a user revoked; returns when each would have expired. */
export async function revokeUserSessions(db: Executor, userId: string, at: Date): Promise<Date[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ expiresAt: sessions.expiresAt });
  return rows.map((row) => row.expiresAt);
}
