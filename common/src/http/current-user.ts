/// <reference types="cookie-session" />

import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt, { type SignOptions } from 'jsonwebtoken';
import { z } from 'zod';

/** What the session token says about the signed-in user. */
export interface UserPayload {
  id: string;
  email: string;
}

/**
 * One sign-in, as its session token states it: who, which session (auth's session id, revoked
 * by sign-out), and when the token was issued and expires (milliseconds since the epoch).
 */
export interface SessionClaims {
  user: UserPayload;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Answers whether a validly signed session was revoked since (signed out, or every session of
 * its user ended). Called on every request, so it must answer from memory, synchronously.
 */
export type SessionRevocationCheck = (session: SessionClaims) => boolean;

declare global {
  namespace Express {
    interface Request {
      /** Set by {@link currentUser} when the session carries a valid, unrevoked token. */
      currentUser?: UserPayload;
      /** The session behind {@link Request.currentUser}, set with it. */
      currentSession?: SessionClaims;
    }
  }
}

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const claimsSchema = z.object({
  id: z.string().regex(UUID_LIKE),
  email: z.string().min(1).max(320),
  sid: z.string().regex(UUID_LIKE),
  iat: z.number().nonnegative(),
  exp: z.number().positive(),
});

/** How long a session token lives: a number of seconds or an `ms` string such as `'1d'`. */
export type TokenLifetime = NonNullable<SignOptions['expiresIn']>;

const keys = new Map<string, KeyObject>();
/** jsonwebtoken tries a string key as a PEM public key first and throws; a KeyObject skips that. */
function secretKey(jwtKey: string): KeyObject {
  let key = keys.get(jwtKey);
  if (!key) {
    key = createSecretKey(Buffer.from(jwtKey));
    keys.set(jwtKey, key);
  }
  return key;
}

/** The session a token is signed for: the user and auth's id of the session. */
export interface SessionTokenSubject extends UserPayload {
  sessionId: string;
}

/**
 * Signs the session token auth puts in the session cookie: HS256, `{ id, email, sid, iat, exp }`.
 * `iat` keeps milliseconds (a NumericDate may be fractional, RFC 7519 §2), so "every session
 * issued before this instant" can be told apart from a sign-in in the same second.
 */
export function signSessionToken(
  session: SessionTokenSubject,
  jwtKey: string,
  expiresIn: TokenLifetime = '1d',
  issuedAt: Date = new Date(),
): string {
  return jwt.sign(
    { id: session.id, email: session.email, sid: session.sessionId, iat: issuedAt.getTime() / 1000 },
    secretKey(jwtKey),
    { algorithm: 'HS256', expiresIn },
  );
}

/**
 * Returns the session a token states, or `undefined` when the token is expired, forged,
 * unsigned (`alg: none`), signed with another algorithm or key, or carries the wrong shape — a
 * token without a session id included (issued before sessions could be revoked).
 */
export function verifySession(token: unknown, jwtKey: string): SessionClaims | undefined {
  if (typeof token !== 'string' || token === '') return undefined;
  try {
    const decoded = jwt.verify(token, secretKey(jwtKey), { algorithms: ['HS256'] });
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success) return undefined;
    const { id, email, sid, iat, exp } = parsed.data;
    return { user: { id, email }, sessionId: sid, issuedAt: Math.round(iat * 1000), expiresAt: exp * 1000 };
  } catch {
    return undefined;
  }
}

/** The user a session token names (see {@link verifySession}), or `undefined`. */
export function verifySessionToken(token: unknown, jwtKey: string): UserPayload | undefined {
  return verifySession(token, jwtKey)?.user;
}

export interface CurrentUserOptions {
  /** Sessions revoked since their token was signed are treated as signed out. */
  isRevoked?: SessionRevocationCheck;
  /**
   * Where the token is read: `req.session.jwt`, set up by cookie-session (default, for a service
   * that also writes the cookie), or the `session` cookie read directly ({@link sessionCookieToken}).
   */
  tokenFrom?: 'session' | 'cookie';
}

const SESSION_COOKIE = /(?:^|;) *session=([^;]*)/;

/**
 * The `jwt` of the session cookie cookie-session writes (`session=<base64 of {"jwt":"…"}>`), read
 * the way it reads it, without its machinery for writing the cookie back, which cost a service
 * that never writes it about 40 µs of CPU per request, cookie or not (the bench's layer-by-layer
 * figures). `undefined` when there is no such cookie or it does not hold a string `jwt`.
 */
export function sessionCookieToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  let value = SESSION_COOKIE.exec(cookieHeader)?.[1];
  if (!value) return undefined;
  if (value[0] === '"') value = value.slice(1, -1);
  try {
    const session: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    const jwt = (session as { jwt?: unknown } | null)?.jwt;
    return typeof jwt === 'string' ? jwt : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Middleware that sets `req.currentUser` (and `req.currentSession`) from the JWT in the cookie
 * session (see {@link CurrentUserOptions.tokenFrom}). It never rejects a request: a missing,
 * invalid or revoked token just leaves them unset, and {@link requireAuth} decides.
 */
export function currentUser(
  jwtKey: string,
  { isRevoked, tokenFrom = 'session' }: CurrentUserOptions = {},
): RequestHandler {
  if (!jwtKey) throw new Error('currentUser needs a non-empty JWT key');
  return (req, _res, next) => {
    const token = tokenFrom === 'cookie' ? sessionCookieToken(req.headers.cookie) : req.session?.jwt;
    const session = verifySession(token, jwtKey);
    if (session && !isRevoked?.(session)) {
      req.currentUser = session.user;
      req.currentSession = session;
    } else {
      req.currentUser = undefined;
      req.currentSession = undefined;
    }
    next();
  };
}
