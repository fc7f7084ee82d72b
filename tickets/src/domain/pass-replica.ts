import {
  type PassIssuedData,
  type PassLockRefusalReason,
  type PassLockRefusedData,
  type PassUnlistedData,
  RetryLaterError,
  type Transaction,
} from '@ticketing/common';
import {
  findPass,
  insertPass,
  overwritePassVersion,
  type PassChange,
  updatePassToVersion,
} from '../db/passes.repository';
import type { schema, TicketRow } from '../db/schema';
import { lockLockedListingOfPass, lockTicket, saveTicketVersion } from '../db/tickets.repository';
import { ticketUpdatedEvent } from '../events/ticket-events';
import type { TicketStore } from './ticket-store';

type Tx = Transaction<typeof schema>;

/**
 * How a pass event met the replica: the next version is applied, an older or equal one is a
 * duplicate; a later one whose gap lasted `healMs` is applied over the gap.
 */
export type PassReplicaOutcome = 'applied' | 'duplicate' | 'gap-skipped';

/** When the stream stored the event, and how long a version gap may last before it is skipped. */
export interface GapOptions {
  storedAt: Date;
  healMs: number;
  now?: Date;
}

/** What a pass event did to a resale listing, if it was about one. */
export type ListingOutcome = { outcome: 'changed'; listing: TicketRow } | { outcome: 'ignored'; reason: string };

/** pass.issued: the replica stores the new pass (version 0) with what its holder paid. */
export async function recordPassIssued({ db }: TicketStore, data: PassIssuedData): Promise<PassReplicaOutcome> {
  const inserted = await insertPass(db, {
    id: data.id,
    ticketId: data.ticketId,
    eventId: data.eventId,
    holderId: data.holderId,
    generation: data.generation,
    faceValueCents: data.faceValue,
    currency: data.currency ?? null,
    status: 'valid',
    listingId: null,
    version: data.version,
  });
  return inserted ? 'applied' : 'duplicate';
}

/**
 * pass.listed / .unlisted / .revoked / .admitted: the replica moves to the event's version when it
 * holds the one before, and `withVersion` runs in the same transaction (so once per version); an
 * older or equal version is a duplicate; an early one (its predecessor, or pass.issued, has not
 * arrived) throws {@link RetryLaterError}, so the listener retries it later — until the gap has
 * lasted `healMs`: these events carry the whole pass but what its holder paid, which the replica
 * already has, so the event is then applied over the gap (a lost version never comes). A pass
 * whose pass.issued never arrived cannot be healed (its price is unknown): that event keeps being
 * retried, then is parked as a dead letter.
 */
export async function applyPassChange(
  { db, relay }: TicketStore,
  change: PassChange,
  { storedAt, healMs, now = new Date() }: GapOptions,
  withVersion?: (tx: Tx) => Promise<ListingOutcome>,
): Promise<{ replica: PassReplicaOutcome; listing?: ListingOutcome }> {
  // The next version with nothing else to do (an admission at the door): one statement is enough.
  if (!withVersion && (await updatePassToVersion(db, change))) return { replica: 'applied' };
  return relay.transaction(async (tx) => {
    const also = async () => (withVersion ? { listing: await withVersion(tx) } : {});
    if (await updatePassToVersion(tx, change)) return { replica: 'applied', ...(await also()) };
    const local = await findPass(tx, change.id);
    if (local && change.version <= local.version) return { replica: 'duplicate' };
    if (local && now.getTime() - storedAt.getTime() >= healMs) {
      await overwritePassVersion(tx, change);
      return { replica: 'gap-skipped', ...(await also()) };
    }
    throw new RetryLaterError(
      local
        ? `pass ${change.id} is at version ${local.version}, waiting before ${change.version}`
        : `pass ${change.id} is not known yet (version ${change.version} arrived first)`,
    );
  });
}

/** What every later version of a pass says of it, besides its status and listing. */
export const passVersionOf = (
  data: Pick<PassUnlistedData, 'id' | 'version' | 'ticketId' | 'eventId' | 'holderId' | 'generation'>,
) => ({
  id: data.id,
  version: data.version,
  ticketId: data.ticketId,
  eventId: data.eventId,
  holderId: data.holderId,
  generation: data.generation,
});

/** Which listing a lock answer is about: the pass, the listing and the listing's version passes saw. */
export interface LockAnswer {
  passId: string;
  listingId: string;
  listingVersion: number;
  correlationId: string;
}

/**
 * pass.listed (in the replica's transaction): passes locked the pass, so the listing goes on sale
 * — `available`, its next version, ticket.updated — if it is still `pending` at the version passes
 * locked it for. Anything else (a redelivery, a listing that moved on) is ignored.
 */
export function putListingOnSale(store: TicketStore, tx: Tx, answer: LockAnswer): Promise<ListingOutcome> {
  return answerListing(store, tx, answer, { resaleLock: 'locked' });
}

/**
 * pass.lock_refused: passes refused the lock, so the listing ends `rejected` with the reason — its
 * next version, ticket.updated — if it is still `pending` at the version passes saw. The pass did
 * not change, so the event carries no pass version: the listing's version makes it apply once.
 */
export function rejectListing(
  store: TicketStore,
  data: PassLockRefusedData,
  correlationId: string,
): Promise<ListingOutcome> {
  return store.relay.transaction((tx) =>
    answerListing(
      store,
      tx,
      { passId: data.passId, listingId: data.listingId, listingVersion: data.listingVersion, correlationId },
      { resaleLock: 'rejected', rejectionReason: data.reason satisfies PassLockRefusalReason },
    ),
  );
}

/**
 * pass.revoked because its buyer was refunded (in the replica's transaction): the pass's unsold
 * resale listing, if it is on sale (or unlisted, and could be relisted), ends `rejected`
 * (`revoked`) — its next version, ticket.updated — so nobody buys a ticket whose pass no longer
 * admits anyone. A listing reserved at that moment shows reserved until its order ends: cancelled,
 * it is rejected; paid, passes reports the resale conflict for an operator.
 */
export async function rejectListingOfRevokedPass(
  { currency }: TicketStore,
  tx: Tx,
  { passId, correlationId }: { passId: string; correlationId: string },
): Promise<ListingOutcome> {
  const listing = await lockLockedListingOfPass(tx, passId);
  if (!listing) return { outcome: 'ignored', reason: 'the pass has no resale listing on sale' };
  const saved = await saveTicketVersion(tx, listing, { resaleLock: 'rejected', rejectionReason: 'revoked' }, (next) =>
    ticketUpdatedEvent(next, currency, correlationId),
  );
  if (!saved) throw new Error(`listing ${listing.id} changed under its row lock`);
  return { outcome: 'changed', listing: saved };
}

async function answerListing(
  { currency }: TicketStore,
  tx: Tx,
  { passId, listingId, listingVersion, correlationId }: LockAnswer,
  change: Pick<TicketRow, 'resaleLock'> & Partial<Pick<TicketRow, 'rejectionReason'>>,
): Promise<ListingOutcome> {
  const listing = await lockTicket(tx, listingId);
  if (!listing) return { outcome: 'ignored', reason: 'unknown listing' };
  if (listing.resaleOfPassId !== passId) return { outcome: 'ignored', reason: 'the listing resells another pass' };
  if (listing.resaleLock !== 'pending') return { outcome: 'ignored', reason: `the listing is ${listing.resaleLock}` };
  if (listing.version !== listingVersion) {
    return { outcome: 'ignored', reason: `the listing is at version ${listing.version}, not ${listingVersion}` };
  }
  const saved = await saveTicketVersion(tx, listing, change, (next) =>
    ticketUpdatedEvent(next, currency, correlationId),
  );
  if (!saved) throw new Error(`listing ${listingId} changed under its row lock`);
  return { outcome: 'changed', listing: saved };
}
