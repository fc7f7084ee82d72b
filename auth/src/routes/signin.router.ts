import { TooManyRequestsError, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { signIn } from '../domain/accounts';
import { startSession } from './session';
import type { AccountRouterDeps } from './signup.router';
import { emailField, passwordField } from './validators';

export function signinRouter({ limit, ...sessions }: AccountRouterDeps): Router {
  // Only failed attempts count, so a user who signs in often is never locked out.
  const failedAttempts = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError('Too many failed sign-in attempts, try again later')),
  });

  return Router().post(
    '/api/users/signin',
    failedAttempts,
    emailField,
    passwordField,
    validateRequest,
    async (req, res) => {
      const user = await signIn(sessions.db, req.body.email, req.body.password);
      await startSession(req, user, sessions);
      res.status(200).json(user);
    },
  );
}
