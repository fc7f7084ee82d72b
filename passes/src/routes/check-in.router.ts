import { expressPath, inputOf, passesOperations, requestId, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import type { PassesDeps } from '../domain/deps';
import { toPassJson } from '../domain/pass-json';
import { eventRevocations, scanPass } from '../domain/scan-pass';

const { scanPass: scan, listRevokedPasses } = passesOperations;

/** POST /api/passes/scan `{ code }` (the event's organizer) and GET /api/passes/revocations?eventId=. */
export function checkInRouter(deps: PassesDeps): Router {
  return Router()
    .post(expressPath(scan), requireAuth, validate(scan), async (req, res) => {
      const { code } = inputOf(req, scan).body;
      const pass = await scanPass(deps, { code, scannerId: req.currentUser!.id, correlationId: requestId(req) });
      res.status(200).json({ result: 'admitted', pass: toPassJson(pass) });
    })
    .get(expressPath(listRevokedPasses), requireAuth, validate(listRevokedPasses), async (req, res) => {
      const { eventId } = inputOf(req, listRevokedPasses).query;
      const { revoked, listed } = await eventRevocations(deps, { eventId, userId: req.currentUser!.id });
      res.set('Cache-Control', 'private, no-store');
      res.status(200).json({ eventId, revoked, listed });
    });
}
