import type { RequestHandler } from 'express';
import { NotAuthorizedError } from '../errors';

/** Rejects the request with a 401 {@link NotAuthorizedError} unless `currentUser` set a user. */
export const requireAuth: RequestHandler = (req, _res, next) => {
  if (!req.currentUser) throw new NotAuthorizedError();
  next();
};
