import { type JsMsg, jetstream, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { EventHeaders, parseEvent, STREAM_NAME } from '@ticketing/common';
import { CATALOG_SUBJECTS, isCatalogSubject, subjectMatches, unknownSubjectError } from '../catalog';
import { CliError } from '../cli-error';
import { type ConnectionOptions, fetchStreamInfo, withJetStream } from '../connection';
import type { Output } from '../output';

export interface TailOptions extends ConnectionOptions {
  /** Catalog subjects or wildcard patterns (`order.*`, `ticket.>`); empty: every subject of the stream. */
  subjects?: string[];
  /** Replay the stream from its first message, then keep following. */
  all?: boolean;
  /** Replay from this stream sequence, then keep following. */
  fromSeq?: number;
  /** One JSON object per event instead of a text line. */
  json?: boolean;
  /** Stops the tail (Ctrl-C). */
  signal?: AbortSignal;
}

/** One event as `tail` reports it. */
export interface TailedEvent {
  /** When the stream stored it. */
  time: string;
  subject: string;
  seq: number;
  eventId?: string;
  correlationId?: string;
  occurredAt?: string;
  data?: unknown;
  /** Why the payload breaks its subject's contract (a listener would `term()` it). */
  error?: string;
  /** The body, when it is not JSON. */
  raw?: string;
}

const PULL_EXPIRES_MS = 5_000;

/** The widest catalog subject, so text lines line up. */
const SUBJECT_WIDTH = Math.max(...CATALOG_SUBJECTS.map((subject) => subject.length));

/**
 * Prints events as the stream stores them, through an ephemeral ordered consumer: it has no
 * durable name and acks nothing, so the services' consumers are not disturbed, and it is deleted
 * when the tail stops (the server would also drop it after 5 minutes of inactivity). Resolves
 * with the number of events printed once `signal` aborts.
 */
export async function tail(options: TailOptions, output: Output): Promise<number> {
  const subjects = options.subjects ?? [];
  for (const subject of subjects) validatePattern(subject);
  if (options.all && options.fromSeq !== undefined) throw new CliError('Use either --all or --from-seq, not both.');
  if (options.signal?.aborted) return 0;

  return withJetStream(options, async ({ nc, jsm }) => {
    const info = await fetchStreamInfo(jsm, options.server);
    // nats-server 2.9 has a single filter_subject per consumer; several subjects are filtered here.
    const serverFilter = subjects.length === 1 ? subjects[0] : undefined;
    const matches = (subject: string) =>
      subjects.length === 0 || subjects.some((pattern) => subjectMatches(pattern, subject));
    const consumer = await jetstream(nc).consumers.get(
      STREAM_NAME,
      consumerOptions(options, serverFilter, info.state.last_seq),
    );
    // Short pulls: after a reconnect nats.js checks the consumer at once (a NATS restart loses the
    // in-memory ordered consumer, which it then recreates) and, while that check fails, again
    // every `expires`; 30 s by default.
    const messages = await consumer.consume({ max_messages: 256, expires: PULL_EXPIRES_MS });

    const stop = () => messages.stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    void reportConnection(nc, output);
    output.err(
      `Tailing ${subjects.length > 0 ? subjects.join(', ') : 'every subject'} of stream ${STREAM_NAME} on ${options.server}, ${startDescription(options)} (Ctrl-C to stop)`,
    );

    let printed = 0;
    try {
      for await (const msg of messages) {
        if (!matches(msg.subject)) continue;
        const event = describe(msg);
        output.out(options.json ? JSON.stringify(event) : formatLine(event));
        printed += 1;
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      await consumer.delete().catch(() => {});
    }
    return printed;
  });
}

function validatePattern(subject: string): void {
  if (isCatalogSubject(subject)) return;
  const isPattern = /(^|\.)(\*|>)(\.|$)/.test(subject);
  if (!isPattern) throw unknownSubjectError(subject);
  if (!CATALOG_SUBJECTS.some((known) => subjectMatches(subject, known))) {
    throw new CliError(`"${subject}" matches no catalog subject. Catalog subjects: ${CATALOG_SUBJECTS.join(', ')}`);
  }
}

/**
 * Where the ordered consumer starts, always as a stream sequence: nats.js recreates the consumer
 * after a NATS restart from the sequence after the last one it delivered, or, before any
 * delivery, from the one it started at. "New events only" is therefore the sequence after the
 * stream's last one when the tail starts; with deliver_policy "new", a recreated consumer would
 * replay the stream from its first message.
 */
function consumerOptions(
  { all, fromSeq }: TailOptions,
  filter: string | undefined,
  lastSeq: number,
): Partial<OrderedConsumerOptions> {
  const filterOption = filter ? { filter_subjects: filter } : {};
  // Sequence 1 is the ordered consumer's default start: the whole stream.
  if (all) return filterOption;
  return { ...filterOption, opt_start_seq: fromSeq ?? lastSeq + 1 };
}

function startDescription({ all, fromSeq }: TailOptions): string {
  if (all) return 'from the first message';
  if (fromSeq !== undefined) return `from seq ${fromSeq}`;
  return 'new events only';
}

/**
 * Tells the operator when the connection drops and comes back; the ordered consumer resumes by
 * itself. Ends when the connection closes.
 */
async function reportConnection(nc: NatsConnection, output: Output) {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') output.err(`Disconnected from ${status.server}, reconnecting…`);
    if (status.type === 'reconnect') output.err(`Reconnected to ${status.server}`);
  }
}

function describe(msg: JsMsg): TailedEvent {
  const base = { time: msg.timestamp, subject: msg.subject, seq: msg.seq };
  const fromHeaders = {
    eventId: msg.headers?.get(EventHeaders.EventId) || undefined,
    correlationId: msg.headers?.get(EventHeaders.CorrelationId) || undefined,
  };
  let payload: unknown;
  try {
    payload = msg.json();
  } catch {
    return { ...base, ...fromHeaders, error: 'body is not JSON', raw: msg.string() };
  }
  if (!isCatalogSubject(msg.subject)) {
    return { ...base, ...fromHeaders, ...envelopeOf(payload), error: 'subject is not in the catalog' };
  }
  const parsed = parseEvent(msg.subject, payload);
  if (!parsed.success) {
    return { ...base, ...fromHeaders, ...envelopeOf(payload), error: parsed.error.replace(/\s*\n\s*/g, '; ') };
  }
  const { eventId, correlationId, occurredAt, data } = parsed.event;
  return { ...base, eventId, correlationId, occurredAt, data };
}

/** Whatever envelope fields an invalid payload still has, to help find its publisher. */
function envelopeOf(payload: unknown): Partial<TailedEvent> {
  if (typeof payload !== 'object' || payload === null) return { data: payload };
  const { eventId, correlationId, occurredAt, data } = payload as Record<string, unknown>;
  return {
    ...(typeof eventId === 'string' ? { eventId } : {}),
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
    data: data === undefined ? payload : data,
  };
}

function formatLine(event: TailedEvent): string {
  const body = event.raw !== undefined ? JSON.stringify(event.raw) : JSON.stringify(event.data ?? null);
  const line = [
    event.time,
    event.subject.padEnd(SUBJECT_WIDTH),
    `#${event.seq}`,
    event.eventId ?? '-',
    event.correlationId ?? '-',
    body,
  ].join('  ');
  return event.error ? `${line}  INVALID: ${event.error}` : line;
}
