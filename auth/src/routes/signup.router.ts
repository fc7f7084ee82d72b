import { type Database, validateRequest } from '@ticketing/common';
import { type RequestHandler, Router } from 'express';
import { signUp } from '../domain/accounts';
import { startSession } from './session';
import { emailField, newPasswordField } from './validators';

export interface AccountRouterDeps {
  db: Database;
  jwtKey: string;
  jwtTtlSeconds: number;
  /** The rate limiters in front of the route (see rate-limits.ts). */
  limiters: RequestHandler[];
}

export function signupRouter({ db, jwtKey, jwtTtlSeconds, limiters }: AccountRouterDeps): Router {
  return Router().post(
    '/api/users/signup',
    ...limiters,
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
