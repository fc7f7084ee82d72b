import { admitPassAtVersion, findPassForScan, passIdsOfEventIn } from '../db/passes.repository';
import { findEvent } from '../db/replicas.repository';
import type { PassRow } from '../db/schema';
import { passAdmittedEvent } from '../events/pass-events';
import { InvalidPassCodeError, isIssuedCode, readPassCode } from '../signing/pass-codes';
import type { PassesDeps } from './deps';
import {
  eventNotFound,
  notEventOrganizer,
  PassAlreadyAdmittedError,
  passInvalid,
  passListed,
  passNotForEvent,
  passRevoked,
} from './pass-errors';

/** Reads and conditional admissions of one scan before it gives up (only a pass changing under it). */
const MAX_SCAN_ATTEMPTS = 5;

export type ScanRefusal = 'invalid' | 'not-organizer' | 'not-for-event' | 'revoked' | 'listed' | 'already-admitted';

/**
 * Checks a pass in: the code must be the one the service signed and stored for the pass it names;
 * the scanner must organize the pass's event (one read, the pass with its event's organizer);
 * then one statement admits it if it is still `valid` at the version read, and writes its
 * pass.admitted to the outbox — of concurrent scans of one code exactly one wins.
 */
export async function scanPass(
  deps: PassesDeps,
  { code, scannerId, correlationId }: { code: string; scannerId: string; correlationId?: string },
): Promise<PassRow> {
  const refuse = (reason: ScanRefusal, error: Error): never => {
    deps.metrics.scansRefused.inc({ reason });
    throw error;
  };
  let claims: ReturnType<typeof readPassCode>;
  try {
    claims = readPassCode(deps.keys, code);
  } catch (error) {
    if (error instanceof InvalidPassCodeError) {
      deps.logger.info({ reason: error.reason }, 'pass code refused');
      return refuse('invalid', passInvalid());
    }
    throw error;
  }
  // Concurrent changes of the pass (a scan at another door, a revocation) make the conditional
  // admission miss; the pass is then read again and judged as it is now.
  for (let attempt = 0; ; attempt++) {
    const found = await findPassForScan(deps.db, claims.pid);
    const pass = found?.pass;
    // Only the very code passes signed and stored for the pass admits it: a forged or altered
    // one differs from it, whatever it claims.
    if (!pass || !isIssuedCode(pass.code, code)) return refuse('invalid', passInvalid());
    const eventId = pass.eventId;
    if (eventId === null) return refuse('not-for-event', passNotForEvent());
    if (found.organizerId !== scannerId) return refuse('not-organizer', notEventOrganizer());
    if (pass.status === 'admitted' && pass.admittedAt) {
      return refuse('already-admitted', new PassAlreadyAdmittedError(pass.admittedAt));
    }
    // Locked for resale: the holder may still withdraw the listing, so this is not final.
    if (pass.status === 'listed') return refuse('listed', passListed());
    if (pass.status !== 'valid') return refuse('revoked', passRevoked(pass.revocationReason));

    const admitted: PassRow & { eventId: string } = {
      ...pass,
      eventId,
      status: 'admitted',
      admittedAt: new Date(),
      admittedBy: scannerId,
      version: pass.version + 1,
    };
    const won = await admitPassAtVersion(
      deps.db,
      { id: pass.id, version: pass.version, admittedBy: scannerId, at: admitted.admittedAt! },
      passAdmittedEvent(admitted, { correlationId }),
    );
    if (won) {
      deps.relay.wake();
      deps.metrics.admitted.inc();
      return admitted;
    }
    if (attempt >= MAX_SCAN_ATTEMPTS) throw new Error(`pass ${pass.id} kept changing while it was being admitted`);
  }
}

/**
 * What an event's offline scanners refuse: its revoked pass ids (for good) and its listed ones
 * (locked for resale, while they stay listed). For the event's organizer.
 */
export async function eventRevocations(
  deps: Pick<PassesDeps, 'db'>,
  { eventId, userId }: { eventId: string; userId: string },
): Promise<{ revoked: string[]; listed: string[] }> {
  const event = await findEvent(deps.db, eventId);
  if (!event) throw eventNotFound();
  if (event.organizerId !== userId) throw notEventOrganizer();
  const [revoked, listed] = await Promise.all([
    passIdsOfEventIn(deps.db, eventId, 'revoked'),
    passIdsOfEventIn(deps.db, eventId, 'listed'),
  ]);
  return { revoked, listed };
}
