import { validateRequest } from '@ticketing/common';
import { Router } from 'express';
import { signIn } from '../domain/accounts';
import { startSession } from './session';
import type { AccountRouterDeps } from './signup.router';
import { emailField, passwordField } from './validators';

export function signinRouter({ limiters, ...sessions }: AccountRouterDeps): Router {
  return Router().post(
    '/api/users/signin',
    ...limiters,
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
