import type { RequestHandler } from 'express';
import { validationResult } from 'express-validator';
import { RequestValidationError } from '../errors';

/** Runs after express-validator chains: any failure becomes a 400 {@link RequestValidationError}. */
export const validateRequest: RequestHandler = (req, _res, next) => {
  const result = validationResult(req);
  if (!result.isEmpty()) throw new RequestValidationError(result.array());
  next();
};
