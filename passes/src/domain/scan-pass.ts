import { enqueueEvent } from '@ticketing/common';
import { admitPass, findPass, revokedPassIdsOfEvent } from '../db/passes.repository';
import { findEvent } from '../db/replicas.repository';
import type { PassRow } from '../db/schema';
import { passAdmittedEvent } from '../events/pass-events';
import { InvalidPassCodeError, verifyPassCode } from '../signing/pass-codes';
import type { PassesDeps } from './deps';
import {
  eventNotFound,
  notEventOrganizer,
  PassAlreadyAdmittedError,
  passInvalid,
  passNotForEvent,
  passRevoked,
} from './pass-errors';

export type ScanRefusal = 'invalid' | 'not-organizer' | 'not-for-event' | 'revoked' | 'already-admitted';

/**
 * Checks a pass in: the code must verify with a key of the service and name a pass it issued;
 * the scanner must organize the pass's event; then one conditional UPDATE admits it if it is
 * still `valid` — of concurrent scans of one code exactly one wins — and pass.admitted goes
 * through the outbox in the same transaction.
 */
export async function scanPass(
  deps: PassesDeps,
  { code, scannerId, correlationId }: { code: string; scannerId: string; correlationId?: string },
): Promise<PassRow> {
  const refuse = (reason: ScanRefusal, error: Error): never => {
    deps.metrics.scansRefused.inc({ reason });
    throw error;
  };
  let claims: ReturnType<typeof verifyPassCode>;
  try {
    claims = verifyPassCode(deps.keys, code);
  } catch (error) {
    if (error instanceof InvalidPassCodeError) {
      deps.logger.info({ reason: error.reason }, 'pass code refused');
      return refuse('invalid', passInvalid());
    }
    throw error;
  }
  const pass = await findPass(deps.db, claims.pid);
  // A signed code always names the pass it was issued for; anything else is not ours to admit.
  if (!pass || pass.ticketId !== claims.tid || pass.generation !== claims.gen || pass.holderId !== claims.hid) {
    return refuse('invalid', passInvalid());
  }
  const eventId = pass.eventId;
  if (eventId === null) return refuse('not-for-event', passNotForEvent());
  const event = await findEvent(deps.db, eventId);
  if (!event || event.organizerId !== scannerId) return refuse('not-organizer', notEventOrganizer());

  const admitted = await deps.relay.transaction(async (tx) => {
    const row = await admitPass(tx, { id: pass.id, admittedBy: scannerId, at: new Date() });
    if (row) await enqueueEvent(tx, passAdmittedEvent({ ...row, eventId }, { correlationId }));
    return row;
  });
  if (admitted) {
    deps.metrics.admitted.inc();
    return admitted;
  }
  const now = await findPass(deps.db, pass.id);
  if (now?.status === 'admitted' && now.admittedAt) {
    return refuse('already-admitted', new PassAlreadyAdmittedError(now.admittedAt));
  }
  return refuse('revoked', passRevoked());
}

/** The revoked pass ids of an event, for its organizer's offline scanners. */
export async function eventRevocations(
  deps: Pick<PassesDeps, 'db'>,
  { eventId, userId }: { eventId: string; userId: string },
): Promise<string[]> {
  const event = await findEvent(deps.db, eventId);
  if (!event) throw eventNotFound();
  if (event.organizerId !== userId) throw notEventOrganizer();
  return revokedPassIdsOfEvent(deps.db, eventId);
}
