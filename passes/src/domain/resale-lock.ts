import {
  type Executor,
  enqueueEvent,
  type Logger,
  type PassLockRefusalReason,
  type TicketCreatedData,
} from '@ticketing/common';
import { listPass, lockPass, unlistPass } from '../db/passes.repository';
import type { PassRow } from '../db/schema';
import { passListedEvent, passLockRefusedEvent, passUnlistedEvent } from '../events/pass-events';
import type { PassesDeps } from './deps';
import { applyTicket, type GapOptions, type ReplicaOutcome } from './replicas';

/** What a version of a resale listing did to the pass it resells. */
export type ResaleLockStep =
  /** The pass is locked for the listing at this version (pass.listed). */
  | { step: 'listed'; pass: PassRow }
  /** The pass was not locked (pass.lock_refused); it is unchanged. */
  | { step: 'refused'; reason: PassLockRefusalReason }
  /** The pass is unlocked, `valid` again (pass.unlisted). */
  | { step: 'unlisted'; pass: PassRow }
  /** Nothing to do at this version (on sale, reserved, sold, or a withdrawal of a pass not locked for it). */
  | { step: 'none' };

export interface TicketVersionResult {
  outcome: ReplicaOutcome;
  /** Only for a resale listing whose version the replica took. */
  resale?: ResaleLockStep;
}

/**
 * ticket.created / ticket.updated. An ordinary listing only moves the replica. A resale listing
 * (`resaleOfPassId`) also drives its pass, in the same transaction as the replica's new version —
 * so a redelivered version (a duplicate for the replica) never locks or unlocks twice:
 * `pending` → lock the pass for the listing, or refuse with the reason; `withdrawn` or `rejected`
 * → unlock the pass if it is locked for this listing. Its events go through the outbox.
 */
export async function applyTicketVersion(
  deps: Pick<PassesDeps, 'db' | 'relay' | 'logger'>,
  data: TicketCreatedData,
  gap: GapOptions,
  correlationId?: string,
): Promise<TicketVersionResult> {
  const passId = data.resaleOfPassId;
  if (!passId) return { outcome: await applyTicket(deps.db, data, gap) };
  return deps.relay.transaction(async (tx) => {
    const outcome = await applyTicket(tx, data, gap);
    if (outcome === 'duplicate') return { outcome };
    const listing = { id: data.id, version: data.version, sellerId: data.userId, passId };
    if (data.status === 'pending')
      return { outcome, resale: await lockForListing(tx, listing, deps.logger, correlationId) };
    if (data.status === 'withdrawn' || data.status === 'rejected') {
      return { outcome, resale: await unlockForListing(tx, listing, correlationId) };
    }
    return { outcome, resale: { step: 'none' } };
  });
}

interface ResaleListing {
  id: string;
  version: number;
  sellerId: string;
  passId: string;
}

/** Why the pass cannot be locked for the listing, or null when it can. */
function refusalOf(pass: PassRow | undefined, listing: ResaleListing): PassLockRefusalReason | null {
  // A stranger's listing learns nothing of the pass's state.
  if (!pass || pass.holderId !== listing.sellerId) return 'not_holder';
  if (pass.status === 'admitted') return 'admitted';
  if (pass.status === 'revoked') return 'revoked';
  if (pass.status === 'listed' && pass.listingId !== listing.id) return 'listed';
  return null;
}

async function lockForListing(
  tx: Executor,
  listing: ResaleListing,
  logger: Logger,
  correlationId?: string,
): Promise<ResaleLockStep> {
  const pass = await lockPass(tx, listing.passId);
  const now = new Date();
  const reason = refusalOf(pass, listing);
  if (reason) {
    if (!pass)
      logger.warn({ passId: listing.passId, listingId: listing.id }, 'resale listing of a pass passes never issued');
    await enqueueEvent(
      tx,
      passLockRefusedEvent(
        { passId: listing.passId, listingId: listing.id, listingVersion: listing.version, reason, refusedAt: now },
        { correlationId },
      ),
    );
    return { step: 'refused', reason };
  }
  // `valid`, or already locked for this listing at an earlier version (a withdrawal tickets
  // published was skipped as a gap): either way the lock now answers this version.
  const listed = await listPass(tx, { id: listing.passId, listingId: listing.id });
  await enqueueEvent(
    tx,
    passListedEvent(
      { ...listed, listingId: listing.id },
      { listingVersion: listing.version, listedAt: now },
      { correlationId },
    ),
  );
  return { step: 'listed', pass: listed };
}

async function unlockForListing(tx: Executor, listing: ResaleListing, correlationId?: string): Promise<ResaleLockStep> {
  const pass = await lockPass(tx, listing.passId);
  if (pass?.status !== 'listed' || pass.listingId !== listing.id) return { step: 'none' };
  const unlisted = await unlistPass(tx, pass.id);
  await enqueueEvent(
    tx,
    passUnlistedEvent(unlisted, { listingId: listing.id, unlistedAt: new Date() }, { correlationId }),
  );
  return { step: 'unlisted', pass: unlisted };
}
