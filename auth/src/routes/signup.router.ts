import { validateRequest } from '@ticketing/common';
import { type RequestHandler, Router } from 'express';
import { signUp } from '../domain/accounts';
import { type SessionRouteDeps, startSession } from './session';
import { emailField, newPasswordField } from './validators';

export interface AccountRouterDeps extends SessionRouteDeps {
  /** The rate limiters in front of the route (see rate-limits.ts). */
  limiters: RequestHandler[];
}

export function signupRouter({ limiters, ...sessions }: AccountRouterDeps): Router {
  return Router().post(
    '/api/users/signup',
    ...limiters,
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
