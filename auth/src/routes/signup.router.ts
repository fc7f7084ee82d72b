import { TooManyRequestsError, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { signUp } from '../domain/accounts';
import { type SessionRouteDeps, startSession } from './session';
import { emailField, newPasswordField } from './validators';

export interface AccountRouterDeps extends SessionRouteDeps {
  /** Requests allowed per IP per 15 minutes. */
  limit: number;
}

export function signupRouter({ limit, ...sessions }: AccountRouterDeps): Router {
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
      const user = await signUp(sessions.db, req.body.email, req.body.password);
      await startSession(req, user, sessions);
      res.status(201).json(user);
    },
  );
}
