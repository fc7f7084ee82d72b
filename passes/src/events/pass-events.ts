import {
  type CreateEventOptions,
  createEvent,
  type Event,
  type PassLockRefusalReason,
  Subjects,
} from '@ticketing/common';
import type { PassRow } from '../db/schema';

type Options = Pick<CreateEventOptions, 'correlationId'>;

export function passIssuedEvent(pass: PassRow, options: Options = {}): Event {
  return createEvent(
    Subjects.PassIssued,
    {
      id: pass.id,
      version: pass.version,
      ticketId: pass.ticketId,
      orderId: pass.orderId,
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      faceValue: pass.faceValue,
      ...(pass.currency ? { currency: pass.currency } : {}),
      issuedAt: pass.issuedAt.toISOString(),
    },
    options,
  );
}

export function passRevokedEvent(pass: PassRow, options: Options = {}): Event {
  return createEvent(
    Subjects.PassRevoked,
    {
      id: pass.id,
      version: pass.version,
      ticketId: pass.ticketId,
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      reason: pass.revocationReason ?? 'reissued',
      replacedBy: pass.replacedBy,
      revokedAt: (pass.revokedAt ?? new Date()).toISOString(),
    },
    options,
  );
}

export function passAdmittedEvent(pass: PassRow & { eventId: string }, options: Options = {}): Event {
  return createEvent(
    Subjects.PassAdmitted,
    {
      id: pass.id,
      version: pass.version,
      ticketId: pass.ticketId,
      // payments declines a claim on an order whose pass was admitted.
      orderId: pass.orderId,
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      admittedBy: pass.admittedBy ?? '',
      admittedAt: (pass.admittedAt ?? new Date()).toISOString(),
    },
    options,
  );
}

/** The pass (its new version, `listed`) is locked for the resale listing at `listingVersion`. */
export function passListedEvent(
  pass: PassRow & { listingId: string },
  { listingVersion, listedAt }: { listingVersion: number; listedAt: Date },
  options: Options = {},
): Event {
  return createEvent(
    Subjects.PassListed,
    {
      id: pass.id,
      version: pass.version,
      ticketId: pass.ticketId,
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      listingId: pass.listingId,
      listingVersion,
      listedAt: listedAt.toISOString(),
    },
    options,
  );
}

/** The pass (its new version, `valid` again) is no longer locked for `listingId`. */
export function passUnlistedEvent(
  pass: PassRow,
  { listingId, unlistedAt }: { listingId: string; unlistedAt: Date },
  options: Options = {},
): Event {
  return createEvent(
    Subjects.PassUnlisted,
    {
      id: pass.id,
      version: pass.version,
      ticketId: pass.ticketId,
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      listingId,
      unlistedAt: unlistedAt.toISOString(),
    },
    options,
  );
}

/** The pass was not locked for the listing at `listingVersion` (the pass is unchanged). */
export function passLockRefusedEvent(
  refusal: {
    passId: string;
    listingId: string;
    listingVersion: number;
    reason: PassLockRefusalReason;
    refusedAt: Date;
  },
  options: Options = {},
): Event {
  return createEvent(Subjects.PassLockRefused, { ...refusal, refusedAt: refusal.refusedAt.toISOString() }, options);
}
