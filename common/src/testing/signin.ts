import { randomUUID } from 'node:crypto';
import { signSessionToken, type TokenLifetime } from '../http/current-user';

/**
 * The `Cookie` header cookie-session would read for a session holding `jwt`: the cookie value is
 * the base64 of the session's JSON, exactly as cookie-session encodes it.
 */
export function sessionCookie(jwt: string): string[] {
  return [`session=${Buffer.from(JSON.stringify({ jwt })).toString('base64')}`];
}

/**
 * A `Cookie` header for a signed-in user, for supertest: `.set('Cookie', signin({ jwtKey }))`.
 * Defaults to a fresh user id with a matching unique email, and a fresh session id. The token
 * is signed with the key but its session exists in no auth database: services that only check
 * revocations accept it, auth's `currentuser` does not.
 */
export function signin(options: {
  jwtKey: string;
  id?: string;
  email?: string;
  sessionId?: string;
  expiresIn?: TokenLifetime;
  issuedAt?: Date;
}): string[] {
  const id = options.id ?? randomUUID();
  const email = options.email ?? `user-${id.slice(0, 8)}@test.dev`;
  const sessionId = options.sessionId ?? randomUUID();
  return sessionCookie(signSessionToken({ id, email, sessionId }, options.jwtKey, options.expiresIn, options.issuedAt));
}
