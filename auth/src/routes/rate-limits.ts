import { createHash } from 'node:crypto';
import { createRateLimiter, describeWait, type RateLimitContext, TooManyRequestsError } from '@ticketing/common';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config';

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

export type RateLimitConfig = Pick<
  Config,
  'RATE_LIMIT_SIGNIN' | 'RATE_LIMIT_SIGNIN_ACCOUNT' | 'RATE_LIMIT_SIGNIN_IP' | 'RATE_LIMIT_SIGNUP'
>;

const rateLimited = (message: string) => (seconds: number) =>
  new TooManyRequestsError(`${message}; try again ${describeWait(seconds)}`, 'RATE_LIMITED');

/**
 * The account a sign-in is for, as auth stores it (trimmed, lower case), hashed so Redis holds
 * no e-mail addresses. Input that is not an e-mail string is refused by validation and not counted.
 */
function accountKey(req: Request): string | undefined {
  const email: unknown = req.body?.email;
  if (typeof email !== 'string' || email.length > 1024) return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}

/**
 * The sign-in limits, in the order they apply, each over 15 minutes:
 * every attempt per IP (a successful sign-in costs scrypt too), failed attempts per IP, and
 * failed attempts per account whichever IPs they come from (a botnet guessing one password).
 */
export function signInLimiters(context: RateLimitContext, config: RateLimitConfig): RequestHandler[] {
  return [
    createRateLimiter(context, {
      name: 'signin-ip',
      windowMs: FIFTEEN_MINUTES_MS,
      limit: config.RATE_LIMIT_SIGNIN_IP,
      refuse: rateLimited('Too many sign-in attempts from this address'),
    }),
    createRateLimiter(context, {
      name: 'signin-failed-ip',
      windowMs: FIFTEEN_MINUTES_MS,
      limit: config.RATE_LIMIT_SIGNIN,
      onlyFailures: true,
      refuse: rateLimited('Too many failed sign-in attempts from this address'),
    }),
    createRateLimiter(context, {
      name: 'signin-failed-account',
      windowMs: FIFTEEN_MINUTES_MS,
      limit: config.RATE_LIMIT_SIGNIN_ACCOUNT,
      onlyFailures: true,
      key: accountKey,
      refuse: rateLimited('Too many failed sign-in attempts for this account'),
    }),
  ];
}

/** Sign-ups per IP over 15 minutes. */
export function signUpLimiter(context: RateLimitContext, config: RateLimitConfig): RequestHandler {
  return createRateLimiter(context, {
    name: 'signup-ip',
    windowMs: FIFTEEN_MINUTES_MS,
    limit: config.RATE_LIMIT_SIGNUP,
    refuse: rateLimited('Too many sign-ups from this address'),
  });
}
