/// <reference types="cookie-session" />
import { signSessionToken } from '@ticketing/common';
import type { Request } from 'express';
import type { User } from '../db/users.repository';

/** Puts a signed JWT for `user` in the cookie session. */
export function startSession(req: Request, user: User, jwtKey: string, ttlSeconds: number): void {
  req.session = { jwt: signSessionToken({ id: user.id, email: user.email }, jwtKey, ttlSeconds) };
  req.sessionOptions.maxAge = ttlSeconds * 1000;
}
