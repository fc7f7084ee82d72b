import { type JetStreamClient, jetstream, type PubAck } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { type Event, serializeEvent } from '../events';

/** Header names set on every published event, so tools can trace it without parsing the body. */
export const EventHeaders = {
  CorrelationId: 'Correlation-Id',
  EventId: 'Event-Id',
} as const;

export interface PublishEventOptions {
  /** Fail unless the event lands in this stream (guards against a missing or renamed stream). */
  expect?: { streamName: string };
  /** How long to wait for the server's acknowledgement (nats.js default 5 s). */
  timeoutMs?: number;
}

/**
 * Publishes an event to JetStream and resolves with the server's acknowledgement.
 * `msgID` is the event id, so a retried publish within the stream's duplicate window is
 * dropped by the server (`PubAck.duplicate` is then `true`).
 *
 * @param js a JetStream client: `jetstream(nc)` from `@nats-io/jetstream`.
 * @throws when no stream captures the subject (nats.js reports "jetstream is not enabled", caused
 * by a no-responders request error), when `expect` does not match, or on time-out.
 */
export async function publishEvent(
  js: JetStreamClient,
  event: Event,
  options: PublishEventOptions = {},
): Promise<PubAck> {
  const h = headers();
  h.set(EventHeaders.CorrelationId, event.correlationId);
  h.set(EventHeaders.EventId, event.eventId);
  return js.publish(event.subject, serializeEvent(event), {
    msgID: event.eventId,
    headers: h,
    ...(options.expect ? { expect: { streamName: options.expect.streamName } } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
}

/** Publishes events on one connection; see {@link publishEvent}. */
export type Publisher = (event: Event, options?: PublishEventOptions) => Promise<PubAck>;

/** Binds {@link publishEvent} to a connection's JetStream client, with default options. */
export function createPublisher(nc: NatsConnection, defaults: PublishEventOptions = {}): Publisher {
  const js = jetstream(nc);
  return (event, options) => publishEvent(js, event, { ...defaults, ...options });
}
