import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type EventData, eventDataSchemas } from './schemas';
import type { Subject } from './subjects';

/** What every event carries besides its data. */
export const envelopeSchema = z.object({
  eventId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  /**
   * Set on the events a source republishes for `npm run events -- resync`: each is the entity's
   * current state, applied by replicas whatever version they hold (the source's versions may have
   * gone back, after a restore from a backup).
   */
  resync: z.literal(true).optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** An event as it travels on the wire: the envelope plus the subject's data. */
export interface Event<S extends Subject = Subject> extends Envelope {
  subject: S;
  data: EventData<S>;
}

export interface CreateEventOptions {
  /** Carries the id of the request or event that caused this one; a new id when absent. */
  correlationId?: string;
  eventId?: string;
  occurredAt?: Date;
  /** A resync event (see {@link envelopeSchema}). */
  resync?: boolean;
}

/** Builds a validated event: throws when `data` does not match the subject's schema. */
export function createEvent<S extends Subject>(
  subject: S,
  data: EventData<S>,
  options: CreateEventOptions = {},
): Event<S> {
  const eventId = options.eventId ?? randomUUID();
  return {
    subject,
    eventId,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    correlationId: options.correlationId ?? eventId,
    ...(options.resync ? { resync: true as const } : {}),
    data: eventDataSchemas[subject].parse(data) as EventData<S>,
  };
}

export type ParseEventResult<S extends Subject> =
  | { success: true; event: Event<S> }
  | { success: false; error: string };

// Built once per subject: extending and compiling the schema for every message costs more than parsing.
const eventSchemas = new Map<Subject, z.ZodType>();

/** Validates a received payload (envelope + data) against the subject's contract. */
export function parseEvent<S extends Subject>(subject: S, payload: unknown): ParseEventResult<S> {
  let schema = eventSchemas.get(subject);
  if (!schema) {
    schema = envelopeSchema.extend({ data: eventDataSchemas[subject] });
    eventSchemas.set(subject, schema);
  }
  const result = schema.safeParse(payload);
  if (!result.success) {
    return { success: false, error: z.prettifyError(result.error) };
  }
  return { success: true, event: { subject, ...(result.data as Envelope & { data: EventData<S> }) } };
}

/** The JSON body published for an event (the subject travels as the NATS subject). */
export function serializeEvent(event: Event): Uint8Array {
  const { subject: _subject, ...body } = event;
  return new TextEncoder().encode(JSON.stringify(body));
}
