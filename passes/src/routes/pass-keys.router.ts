import { expressPath, passesOperations } from '@ticketing/common';
import { Router } from 'express';
import type { PassKeys } from '../signing/pass-keys';

/** GET /api/passes/keys → the JWK set that verifies pass codes; public and cacheable. */
export function passKeysRouter(keys: Pick<PassKeys, 'jwks'>): Router {
  return Router().get(expressPath(passesOperations.showPassKeys), (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').status(200).json(keys.jwks);
  });
}
