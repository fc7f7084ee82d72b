import { randomUUID } from 'node:crypto';
import { type Database, enqueueEvent, type OutboxRelay, type SessionClaims } from '@ticketing/common';
import type { schema } from '../db/schema';
import { insertSession, isActiveSession, revokeSession, revokeUserSessions } from '../db/sessions.repository';
import type { User } from '../db/users.repository';
import { sessionRevokedEvent, sessionsRevokedAllEvent } from '../events/session-events';

export interface SessionDeps {
  db: Database<typeof schema>;
  /** Runs the revocations with their events (outbox) and wakes the relay after commit. */
  relay: OutboxRelay<typeof schema>;
  /** Lifetime of a session and its token. */
  ttlSeconds: number;
}

/** A new session of `user`: what its token states. */
export interface NewSession {
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Records a new session (sign-up, sign-in); its token is signed with the same id and times. */
export async function openSession({ db, ttlSeconds }: SessionDeps, user: User): Promise<NewSession> {
  const issuedAt = new Date();
  const session = {
    sessionId: randomUUID(),
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + ttlSeconds * 1000),
  };
  await insertSession(db, {
    id: session.sessionId,
    userId: user.id,
    createdAt: session.issuedAt,
    expiresAt: session.expiresAt,
  });
  return session;
}

/** Whether a validly signed session is still active here: not signed out, not expired, not unknown. */
export function isSessionActive({ db }: Pick<SessionDeps, 'db'>, session: SessionClaims): Promise<boolean> {
  return isActiveSession(db, session.sessionId, session.user.id);
}

/**
 * Sign-out: revokes the session and announces it (session.revoked) in one transaction, so the
 * other services refuse its cookie even if it was copied. Returns false when there was nothing
 * to revoke (unknown, or already signed out): no second event.
 */
export async function endSession({ relay }: SessionDeps, session: SessionClaims, correlationId?: string) {
  return relay.transaction(async (tx) => {
    const revoked = await revokeSession(tx, session.sessionId, session.user.id, new Date());
    if (!revoked) return false;
    await enqueueEvent(
      tx,
      sessionRevokedEvent(
        { sessionId: session.sessionId, userId: session.user.id, expiresAt: revoked.expiresAt },
        correlationId,
      ),
    );
    return true;
  });
}

/**
 * Sign out everywhere: revokes every session of the user and announces that every token of theirs
 * issued before now is refused (session.revoked-all), in one transaction. Returns how many
 * sessions ended.
 */
export async function endAllSessions({ relay, ttlSeconds }: SessionDeps, userId: string, correlationId?: string) {
  return relay.transaction(async (tx) => {
    const before = new Date();
    const expiries = await revokeUserSessions(tx, userId, before);
    // Until the last token issued before now could expire: the current lifetime, or longer if an
    // earlier lifetime was longer.
    const expiresAt = new Date(
      Math.max(before.getTime() + ttlSeconds * 1000, ...expiries.map((expiry) => expiry.getTime())),
    );
    await enqueueEvent(tx, sessionsRevokedAllEvent({ userId, before, expiresAt }, correlationId));
    return expiries.length;
  });
}
