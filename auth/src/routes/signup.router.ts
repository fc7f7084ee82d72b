import { type Database, TooManyRequestsError, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { signUp } from '../domain/accounts';
import { startSession } from './session';
import { emailField, newPasswordField } from './validators';

export interface AccountRouterDeps {
  db: Database;
  jwtKey: string;
  jwtTtlSeconds: number;
  /** Requests allowed per IP per 15 minutes. */
  limit: number;
}

export function signupRouter({ db, jwtKey, jwtTtlSeconds, limit }: AccountRouterDeps): Router {
  const limiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new TooManyRequestsError('Too many sign-ups from this address, try again later')),
  });

  return Router().post(
    '/api/users/signup',
    limiter,
    emailField,
    newPasswordField,
    validateRequest,
    async (req, res) => {
      const user = await signUp(db, req.body.email, req.body.password);
      startSession(req, user, jwtKey, jwtTtlSeconds);
      res.status(201).json(user);
    },
  );
}
