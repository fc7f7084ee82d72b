import { EventEmitter } from 'node:events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  type AdminHandler,
  connectNats,
  createLogger,
  ensureStream,
  STREAM_NAME,
  serveAdminCommands,
} from '@ticketing/common';
import { type NatsServerHandle, startNatsServer } from '@ticketing/common/testing';
import { main } from '../src/cli';
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

/**
 * For a test file of an operator command answered by payments: a nats-server, and payments' side
 * of the conversation served by `handlers` as its replicas answer it (the handlers themselves are
 * tested in payments), set up before the file's tests and stopped after them. `run` runs the CLI
 * against that server; `stopPayments` leaves its questions unanswered.
 */
export function servedByPayments(handlers: Record<string, AdminHandler>) {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let payments: { stop(): Promise<void> };
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectNats({ url: server.url, name: 'admin-test', logger: createLogger('test', 'silent') });
    payments = serveAdminCommands(nc, { service: 'payments', logger: createLogger('test', 'silent'), handlers });
    await nc.flush();
  });
  afterAll(async () => {
    await payments?.stop();
    await nc?.close();
    await server?.stop();
  });
  return {
    stopPayments: () => payments.stop(),
    async run(...argv: string[]) {
      const output = memoryOutput();
      const exitCode = await main([...argv, '--server', server.url], { output, env: {}, signals: new EventEmitter() });
      return { exitCode, output };
    },
  };
}
