import { authOperations, expressPath, inputOf, type UserJson, validate } from '@ticketing/common';
import { type RequestHandler, Router } from 'express';
import { signUp } from '../domain/accounts';
import { type SessionRouteDeps, startSession } from './session';

export interface AccountRouterDeps extends SessionRouteDeps {
  /** The rate limiters in front of the route (see rate-limits.ts); they count before validation. */
  limiters: RequestHandler[];
}

const operation = authOperations.signUp;

export function signupRouter({ limiters, ...sessions }: AccountRouterDeps): Router {
  return Router().post(expressPath(operation), ...limiters, validate(operation), async (req, res) => {
    const { email, password } = inputOf(req, operation).body;
    const user = await signUp(sessions.db, email, password);
    await startSession(req, user, sessions);
    res.status(201).json(user satisfies UserJson);
  });
}
