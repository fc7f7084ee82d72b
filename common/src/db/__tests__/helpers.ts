import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { createEvent, type Event, STREAM_NAME, STREAM_SUBJECTS, Subjects, serializeEvent } from '../../events';
import type { Logger } from '../../logging';

export const migrationsFolder = path.join(__dirname, 'fixtures', 'migrations');

/** How many migrations the fixture has (drizzle's journal): each is applied once. */
export const FIXTURE_MIGRATIONS = (
  JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

/** A small valid event with a fresh id. */
export function anEvent(): Event {
  return createEvent(Subjects.ExpirationComplete, { orderId: randomUUID() });
}

/** A logger that keeps its lines for assertions instead of printing them. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => lines };
}

export async function ensureStream(jsm: JetStreamManager): Promise<void> {
  await jsm.streams.add({ name: STREAM_NAME, subjects: [...STREAM_SUBJECTS] });
}

/** The publish function a service gets from the messaging module, spelled with the nats client. */
export function jetStreamPublisher(js: JetStreamClient): (event: Event) => Promise<unknown> {
  return (event) => js.publish(event.subject, serializeEvent(event), { msgID: event.eventId, timeout: 1000 });
}

/** The event ids stored in the stream, in stream order. */
export async function streamEventIds(jsm: JetStreamManager): Promise<string[]> {
  const { state } = await jsm.streams.info(STREAM_NAME);
  const ids: string[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(STREAM_NAME, { seq });
    if (message) ids.push(message.json<{ eventId: string }>().eventId);
  }
  return ids;
}

/** A promise with its resolve function, to hold a publish in flight until the test releases it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
