import { connectNats, createLogger, STREAM_NAME } from '@ticketing/common';
import { type JetStreamManager, type NatsConnection, NatsError, type StreamInfo } from 'nats';
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
      jsm = await nc.jetstreamManager();
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
  return error instanceof NatsError && error.api_error?.err_code === 10059;
}

/** An error's message on one line, for the operator's terminal. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, '; ');
}
