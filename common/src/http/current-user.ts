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

declare global {
  namespace Express {
    interface Request {
      /** Set by {@link currentUser} when the session carries a valid token. */
      currentUser?: UserPayload;
    }
  }
}

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const userPayloadSchema = z.object({
  id: z.string().regex(UUID_LIKE),
  email: z.string().min(1).max(320),
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

/** Signs the session token (HS256, `{ id, email }`, expiring) that auth puts in the session cookie. */
export function signSessionToken(user: UserPayload, jwtKey: string, expiresIn: TokenLifetime = '1d'): string {
  return jwt.sign({ id: user.id, email: user.email }, secretKey(jwtKey), { algorithm: 'HS256', expiresIn });
}

/**
 * Returns the user a session token names, or `undefined` when the token is expired, forged,
 * unsigned (`alg: none`), signed with another algorithm or key, or carries the wrong shape.
 */
export function verifySessionToken(token: unknown, jwtKey: string): UserPayload | undefined {
  if (typeof token !== 'string' || token === '') return undefined;
  try {
    const decoded = jwt.verify(token, secretKey(jwtKey), { algorithms: ['HS256'] });
    const parsed = userPayloadSchema.safeParse(decoded);
    return parsed.success ? { id: parsed.data.id, email: parsed.data.email } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Middleware that sets `req.currentUser` from the JWT in the cookie session (`req.session.jwt`).
 * It never rejects a request: a missing or invalid token just leaves `req.currentUser` unset,
 * and {@link requireAuth} decides.
 */
export function currentUser(jwtKey: string): RequestHandler {
  if (!jwtKey) throw new Error('currentUser needs a non-empty JWT key');
  return (req, _res, next) => {
    req.currentUser = verifySessionToken(req.session?.jwt, jwtKey);
    next();
  };
}
