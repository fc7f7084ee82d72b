import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamInfo,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { STREAM_NAME, STREAM_SUBJECTS } from '../events';

export interface EnsureStreamOptions {
  /** Default {@link STREAM_NAME}. */
  name?: string;
  /** Default {@link STREAM_SUBJECTS}. */
  subjects?: readonly string[];
  /** How long the server remembers a `msgID` to drop a re-published event (default 2 min). */
  duplicateWindowMs?: number;
  /** Copies kept in a cluster (default 1; 3 in the production NATS cluster). */
  replicas?: number;
  /** Events older than this are dropped (default {@link DEFAULT_EVENT_RETENTION_MS}, 30 days). */
  maxAgeMs?: number;
  /** A safety limit on the stream's size: the oldest events go first beyond it (default 1 GiB). */
  maxBytes?: number;
}

export const DEFAULT_EVENT_RETENTION_MS = 30 * 86_400_000;
export const DEFAULT_STREAM_MAX_BYTES = 1024 ** 3;

/**
 * Creates the event stream, or brings an existing one up to date (subjects, duplicate window,
 * replicas, and its bounds: `max_age` and `max_bytes`, the oldest events dropped first).
 * Idempotent and safe when several services start at once: whoever loses the creation race
 * falls back to reading, and if needed updating, what the winner created.
 */
export async function ensureStream(nc: NatsConnection, options: EnsureStreamOptions = {}): Promise<StreamInfo> {
  const {
    name = STREAM_NAME,
    subjects = STREAM_SUBJECTS,
    duplicateWindowMs = 120_000,
    replicas = 1,
    maxAgeMs = DEFAULT_EVENT_RETENTION_MS,
    maxBytes = DEFAULT_STREAM_MAX_BYTES,
  } = options;
  const jsm = await jetstreamManager(nc);
  const wanted = {
    subjects: [...subjects],
    // The server refuses a duplicate window longer than the events are kept.
    duplicate_window: nanos(Math.min(duplicateWindowMs, maxAgeMs)),
    num_replicas: replicas,
    max_age: nanos(maxAgeMs),
    max_bytes: maxBytes,
  };

  const existing = await findStream(jsm, name);
  if (!existing) {
    try {
      return await jsm.streams.add({
        name,
        ...wanted,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
      });
    } catch (error) {
      // Another service created it first (with a different config, or the server would have
      // answered with the existing stream): continue with theirs.
      if (!isAlreadyInUse(error)) throw error;
    }
  }
  const info = existing ?? (await jsm.streams.info(name));
  if (
    sameSubjects(info.config.subjects ?? [], wanted.subjects) &&
    info.config.duplicate_window === wanted.duplicate_window &&
    info.config.num_replicas === replicas &&
    info.config.max_age === wanted.max_age &&
    info.config.max_bytes === wanted.max_bytes
  ) {
    return info;
  }
  return jsm.streams.update(name, wanted);
}

async function findStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

/** JetStream API error code: "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

function isAlreadyInUse(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError && (error.code === STREAM_NAME_IN_USE || /already in use/i.test(error.message))
  );
}

function sameSubjects(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((subject) => left.has(subject));
}
