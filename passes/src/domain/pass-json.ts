import type { PassJson } from '@ticketing/common';
import type { PassRow } from '../db/schema';

/** A pass as the API answers with it. */
export function toPassJson(pass: PassRow): PassJson {
  return {
    id: pass.id,
    ticketId: pass.ticketId,
    orderId: pass.orderId,
    eventId: pass.eventId,
    holderId: pass.holderId,
    generation: pass.generation,
    status: pass.status,
    listingId: pass.listingId,
    code: pass.code,
    issuedAt: pass.issuedAt.toISOString(),
    admittedAt: pass.admittedAt?.toISOString() ?? null,
    revokedAt: pass.revokedAt?.toISOString() ?? null,
    revocationReason: pass.revocationReason,
  };
}
