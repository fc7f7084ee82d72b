/// <reference types="cookie-session" />
import { signSessionToken } from '@ticketing/common';
import type { Request } from 'express';
import type { User } from '../db/users.repository';
import { openSession, type SessionDeps } from '../domain/sessions';

export interface SessionRouteDeps extends SessionDeps {
  jwtKey: string;
}

/** Opens a session for `user` and puts its signed JWT (with the session's id) in the cookie session. */
export async function startSession(req: Request, user: User, { jwtKey, ...deps }: SessionRouteDeps): Promise<void> {
  const session = await openSession(deps, user);
  req.session = {
    jwt: signSessionToken(
      { id: user.id, email: user.email, sessionId: session.sessionId },
      jwtKey,
      deps.ttlSeconds,
      session.issuedAt,
    ),
  };
  req.sessionOptions.maxAge = deps.ttlSeconds * 1000;
}
