import { createEvent, type Event, Subjects } from '@ticketing/common';

/** session.revoked for one signed-out session, correlated with the sign-out request. */
export function sessionRevokedEvent(
  revoked: { sessionId: string; userId: string; expiresAt: Date },
  correlationId?: string,
): Event<typeof Subjects.SessionRevoked> {
  return createEvent(
    Subjects.SessionRevoked,
    { sessionId: revoked.sessionId, userId: revoked.userId, expiresAt: revoked.expiresAt.toISOString() },
    { correlationId },
  );
}

/** session.revoked-all: every session of the user issued before `before` is over. */
export function sessionsRevokedAllEvent(
  revoked: { userId: string; before: Date; expiresAt: Date },
  correlationId?: string,
): Event<typeof Subjects.SessionsRevokedAll> {
  return createEvent(
    Subjects.SessionsRevokedAll,
    { userId: revoked.userId, before: revoked.before.toISOString(), expiresAt: revoked.expiresAt.toISOString() },
    { correlationId, occurredAt: revoked.before },
  );
}
