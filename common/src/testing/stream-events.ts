import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { type Event, STREAM_NAME, type Subject } from '../events';

/** An event as the stream stores it, with its stream sequence. */
export type StoredEvent<S extends Subject = Subject> = Event<S> & { seq: number };

/**
 * Every event in the stream, in stream order (only those of `subject` when given) — what every
 * consumer will see. Tests use it to assert what a service published, and how often.
 */
export async function readStreamEvents<S extends Subject = Subject>(
  nc: NatsConnection,
  subject?: S,
): Promise<StoredEvent<S>[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(STREAM_NAME);
  const events: StoredEvent<S>[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(STREAM_NAME, { seq });
    if (!message) continue; // deleted (or already aged out)
    if (subject && message.subject !== subject) continue;
    events.push({ seq, subject: message.subject as S, ...message.json<Omit<Event<S>, 'subject'>>() });
  }
  return events;
}
