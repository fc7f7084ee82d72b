import { type CreateEventOptions, createEvent, type Event, Subjects } from '@ticketing/common';
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
      reason: 'reissued',
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
      eventId: pass.eventId,
      holderId: pass.holderId,
      generation: pass.generation,
      admittedBy: pass.admittedBy ?? '',
      admittedAt: (pass.admittedAt ?? new Date()).toISOString(),
    },
    options,
  );
}
