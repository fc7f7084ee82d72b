import { authOperations, expressPath, inputOf, type UserJson, validate } from '@ticketing/common';
import { Router } from 'express';
import { signIn } from '../domain/accounts';
import { startSession } from './session';
import type { AccountRouterDeps } from './signup.router';

const operation = authOperations.signIn;

export function signinRouter({ limiters, ...sessions }: AccountRouterDeps): Router {
  return Router().post(expressPath(operation), ...limiters, validate(operation), async (req, res) => {
    const { email, password } = inputOf(req, operation).body;
    const user = await signIn(sessions.db, email, password);
    await startSession(req, user, sessions);
    res.status(200).json(user satisfies UserJson);
  });
}
