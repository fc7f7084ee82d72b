import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { ensureStream, STREAM_NAME } from '@ticketing/common';
import type { Output } from '../src/output';

/** An {@link Output} that keeps what a command wrote, line by line. */
export function memoryOutput(): Output & { lines: string[]; notes: string[] } {
  const lines: string[] = [];
  const notes: string[] = [];
  return { lines, notes, out: (line) => lines.push(line), err: (line) => notes.push(line) };
}

/** Deletes the stream (and so its consumers) and creates it again as the services do: an empty stream per test. */
export async function freshStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(STREAM_NAME).catch(() => false);
  await ensureStream(nc);
}

export async function storedMessageCount(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(STREAM_NAME)).state.messages;
}
