import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { headers, type NatsConnection, nanos } from '@nats-io/nats-core';
import { Gauge, type Registry } from 'prom-client';

import { DEAD_LETTER_STREAM } from './stream-names';

export { DEAD_LETTER_STREAM };

export const deadLetterSubject = (service: string, subject: string): string => `dead.${service}.${subject}`;

/** What a parked event carries besides its original body. */
export const DeadLetterHeaders = {
  Service: 'Dead-Service',
  Consumer: 'Dead-Consumer',
  Subject: 'Dead-Subject',
  StreamSeq: 'Dead-Stream-Seq',
  Deliveries: 'Dead-Deliveries',
  Error: 'Dead-Error',
} as const;

/** Dead letters stay for 90 days: long enough for someone to look at them. */
const DEAD_LETTER_MAX_AGE_MS = 90 * 86_400_000;

/** Creates the dead-letter stream if it is missing (idempotent, safe when services start together). */
export async function ensureDeadLetterStream(nc: NatsConnection, { replicas = 1 }: { replicas?: number } = {}) {
  const jsm = await jetstreamManager(nc);
  try {
    return await jsm.streams.info(DEAD_LETTER_STREAM);
  } catch {
    try {
      return await jsm.streams.add({
        name: DEAD_LETTER_STREAM,
        subjects: ['dead.>'],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        num_replicas: replicas,
        max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
        duplicate_window: nanos(120_000),
      });
    } catch (error) {
      // Another service created it meanwhile.
      return jsm.streams.info(DEAD_LETTER_STREAM).catch(() => Promise.reject(error));
    }
  }
}

/**
 * Parks `msg` for `service`: its body and headers, where it came from, how often it was
 * delivered and the last error. Publishing twice (two replicas, a crash between the park and
 * the term) keeps one copy: the message id is the consumer and stream sequence.
 */
export async function parkDeadLetter(
  js: JetStreamClient,
  { service, consumer, msg, error }: { service: string; consumer: string; msg: JsMsg; error: string },
): Promise<void> {
  const h = headers();
  for (const [key, values] of msg.headers ?? []) for (const value of values) h.append(key, value);
  h.set(DeadLetterHeaders.Service, service);
  h.set(DeadLetterHeaders.Consumer, consumer);
  h.set(DeadLetterHeaders.Subject, msg.subject);
  h.set(DeadLetterHeaders.StreamSeq, String(msg.seq));
  h.set(DeadLetterHeaders.Deliveries, String(msg.info.deliveryCount));
  // Header values are one line.
  h.set(DeadLetterHeaders.Error, error.replace(/[\r\n]+/g, ' ').slice(0, 1_000));
  await js.publish(deadLetterSubject(service, msg.subject), msg.data, {
    msgID: `${consumer}:${msg.seq}`,
    headers: h,
    expect: { streamName: DEAD_LETTER_STREAM },
  });
}

/** A parked event, as operators see it. */
export interface DeadLetter {
  /** Its sequence in the dead-letter stream: what `dead retry` and `dead drop` take. */
  seq: number;
  service: string;
  consumer: string;
  subject: string;
  /** Where it was in the event stream (TICKETING). */
  streamSeq: number;
  deliveries: number;
  error: string;
  parkedAt: string;
  /** The original body (the event), parsed when it is JSON. */
  event: unknown;
}

function toDeadLetter(seq: number, timestampMs: number, data: Uint8Array, h: { get(key: string): string } | undefined) {
  const text = new TextDecoder().decode(data);
  let event: unknown = text;
  try {
    event = JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  return {
    seq,
    service: h?.get(DeadLetterHeaders.Service) ?? '',
    consumer: h?.get(DeadLetterHeaders.Consumer) ?? '',
    subject: h?.get(DeadLetterHeaders.Subject) ?? '',
    streamSeq: Number(h?.get(DeadLetterHeaders.StreamSeq) ?? 0),
    deliveries: Number(h?.get(DeadLetterHeaders.Deliveries) ?? 0),
    error: h?.get(DeadLetterHeaders.Error) ?? '',
    parkedAt: new Date(timestampMs).toISOString(),
    event,
  } satisfies DeadLetter;
}

/** One parked event by its sequence, or undefined. */
export async function readDeadLetter(jsm: JetStreamManager, seq: number): Promise<DeadLetter | undefined> {
  const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq }).catch(() => null);
  if (!stored) return undefined;
  return toDeadLetter(stored.seq, stored.time.getTime(), stored.data, stored.header);
}

/** Every parked event (of `service` when given), oldest first. */
export async function listDeadLetters(
  nc: NatsConnection,
  { service }: { service?: string } = {},
): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(DEAD_LETTER_STREAM).catch(() => undefined);
  if (!info || info.state.messages === 0) return [];
  const consumer = await jetstream(nc).consumers.get(DEAD_LETTER_STREAM, {
    deliver_policy: DeliverPolicy.All,
    ...(service ? { filter_subjects: `dead.${service}.>` } : {}),
  });
  const letters: DeadLetter[] = [];
  const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
  for await (const msg of messages) {
    letters.push(toDeadLetter(msg.seq, msg.time.getTime(), msg.data, msg.headers));
  }
  await consumer.delete().catch(() => false);
  return letters;
}

/** Removes a parked event; false when there is none with that sequence. */
export async function deleteDeadLetter(jsm: JetStreamManager, seq: number): Promise<boolean> {
  return jsm.streams.deleteMessage(DEAD_LETTER_STREAM, seq).catch(() => false);
}

/**
 * `ticketing_dead_letters_parked{subject}`: the events `service` parked, per event subject, read
 * from the dead-letter stream at each scrape (so every replica reports the same).
 */
export function deadLetterGauge(nc: NatsConnection, service: string) {
  return new Gauge({
    name: 'ticketing_dead_letters_parked',
    help: 'Events this service gave up on and parked in the dead-letter stream, by event subject',
    labelNames: ['subject'],
    registers: [],
    async collect() {
      this.reset();
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams
        .info(DEAD_LETTER_STREAM, { subjects_filter: `dead.${service}.>` })
        .catch(() => undefined);
      for (const [subject, count] of Object.entries(info?.state.subjects ?? {})) {
        this.set({ subject: subject.slice(`dead.${service}.`.length) }, count);
      }
    },
  });
}

/** Adds {@link deadLetterGauge} to a registry (an app's `app.locals.metrics.registry`). */
export function registerDeadLetterGauge(registry: Registry, nc: NatsConnection, service: string): void {
  if (!registry.getSingleMetric('ticketing_dead_letters_parked')) registry.registerMetric(deadLetterGauge(nc, service));
}
