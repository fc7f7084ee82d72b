/// <reference types="cookie-session" />
import { authOperations, type CurrentUserJson, expressPath, NotAuthorizedError, requestId } from '@ticketing/common';
import { Router } from 'express';
import { endAllSessions, endSession, isSessionActive, type SessionDeps } from '../domain/sessions';

const { signOut, signOutEverywhere, showCurrentUser } = authOperations;

/**
 * Sign-out, sign-out everywhere and the current user. A token is only as good as its session:
 * the current user is the token's user while the session it names is active.
 */
export function sessionRouter(sessions: SessionDeps): Router {
  return Router()
    .post(expressPath(signOut), async (req, res) => {
      if (req.currentSession) await endSession(sessions, req.currentSession, requestId(req));
      req.session = null;
      res.status(200).json({});
    })
    .post(expressPath(signOutEverywhere), async (req, res) => {
      const session = req.currentSession;
      if (!session || !(await isSessionActive(sessions, session))) throw new NotAuthorizedError();
      await endAllSessions(sessions, session.user.id, requestId(req));
      req.session = null;
      res.status(200).json({});
    })
    .get(expressPath(showCurrentUser), async (req, res) => {
      const session = req.currentSession;
      const active = session !== undefined && (await isSessionActive(sessions, session));
      const answer: CurrentUserJson = { currentUser: active ? session.user : null };
      res.status(200).json(answer);
    });
}
