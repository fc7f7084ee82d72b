import { expressPath, inputOf, passesOperations, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import type { PassesDeps } from '../domain/deps';
import { listHolderPasses, showHolderPass } from '../domain/holder-passes';

const { listPasses, showPass } = passesOperations;

/** GET /api/passes → `{ passes }` of the signed-in holder; GET /api/passes/:id → one, with its QR code. */
export function holderPassesRouter(deps: PassesDeps): Router {
  return Router()
    .get(expressPath(listPasses), requireAuth, async (req, res) => {
      res.set('Cache-Control', 'private, no-store');
      res.status(200).json({ passes: await listHolderPasses(deps, req.currentUser!.id) });
    })
    .get(expressPath(showPass), requireAuth, validate(showPass), async (req, res) => {
      const { id } = inputOf(req, showPass).params;
      res.set('Cache-Control', 'private, no-store');
      res.status(200).json(await showHolderPass(deps, { id, holderId: req.currentUser!.id }));
    });
}
