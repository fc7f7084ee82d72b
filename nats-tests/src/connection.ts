import {
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamError,
  type JetStreamManager,
  jetstreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { errors, type NatsConnection, RequestError } from '@nats-io/nats-core';
import { connectNats, createLogger, STREAM_NAME } from '@ticketing/common';
import { CliError, ExitCode } from './cli-error';

export const DEFAULT_SERVER = 'nats://127.0.0.1:4222';

/** How long a command tries to reach NATS before giving up with exit code 2. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

export interface ConnectionOptions {
  /** NATS server URL, or a comma-separated list. */
  server: string;
  /** Default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number;
}

export interface JetStreamConnection {
  nc: NatsConnection;
  jsm: JetStreamManager;
}

/**
 * Connects, makes sure JetStream answers, runs `use`, and closes the connection whatever happens.
 * An unreachable server or a server without JetStream becomes a {@link CliError} with exit code 2.
 */
export async function withJetStream<T>(
  options: ConnectionOptions,
  use: (connection: JetStreamConnection) => Promise<T>,
): Promise<T> {
  return withNats(options, async (nc) => {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
    } catch (error) {
      throw new CliError(
        `JetStream is not available at ${options.server}: ${oneLine(error)}`,
        ExitCode.ConnectionError,
      );
    }
    return use({ nc, jsm });
  });
}

/** Connects, runs `use`, and closes the connection whatever happens; unreachable → exit code 2. */
export async function withNats<T>(
  { server, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS }: ConnectionOptions,
  use: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  let nc: NatsConnection;
  try {
    // connectNats' own logging would interleave JSON lines with the CLI's output.
    nc = await connectNats({
      url: server,
      name: 'ticketing-events',
      logger: createLogger('ticketing-events', 'silent'),
      timeoutMs: connectTimeoutMs,
    });
  } catch (error) {
    throw new CliError(oneLine(error), ExitCode.ConnectionError);
  }
  try {
    return await use(nc);
  } finally {
    await nc.close();
  }
}

/** The stream's info with its per-subject message counts; a missing stream is a {@link CliError}. */
export async function fetchStreamInfo(jsm: JetStreamManager, server: string): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(STREAM_NAME, { subjects_filter: '>' });
  } catch (error) {
    if (isStreamNotFound(error)) throw missingStreamError(server);
    throw error;
  }
}

export function missingStreamError(server: string): CliError {
  return new CliError(
    `Stream ${STREAM_NAME} does not exist on ${server}: the services create it when they start, and until then no event is stored.`,
  );
}

export function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}

/** The error classes of the NATS client and of the JetStream API (nats.js v3 has no common base class). */
const NATS_ERROR_TYPES: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  ...Object.values(errors),
  JetStreamError,
  JetStreamApiError,
];

/** Whether NATS raised the error, or the error it wraps (e.g. "jetstream is not enabled" wraps a request error). */
export function isNatsError(error: unknown): boolean {
  return causes(error).some((cause) => NATS_ERROR_TYPES.some((type) => cause instanceof type));
}

/**
 * Whether a request found no subscriber: a JetStream publish whose subject no stream captures
 * (nats.js v3 reports it as "jetstream is not enabled", caused by a no-responders request error).
 */
export function isNoResponders(error: unknown): boolean {
  return causes(error).some((cause) => cause instanceof RequestError && cause.isNoResponders());
}

/** The error and the chain of its `cause`s. */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && !chain.includes(current); current = current.cause) {
    chain.push(current);
  }
  return chain;
}

/** An error's message on one line, for the operator's terminal. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, '; ');
}
