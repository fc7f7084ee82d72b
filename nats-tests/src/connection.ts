import { readFileSync } from 'node:fs';
import path from 'node:path';
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
  /** The NATS user and password, when the server checks them (the operator's, see cli.ts). */
  user?: string;
  pass?: string;
}

export interface JetStreamConnection {
  nc: NatsConnection;
  jsm: JetStreamManager;
}

/** What `npm start` writes about the nats-server it started: its address and the operator's user. */
interface LauncherNats {
  url: string;
  user: string;
  password: string;
}

function launcherNats(env: Record<string, string | undefined>): LauncherNats | undefined {
  const dataDir = env.TICKETING_DATA_DIR || path.resolve(__dirname, '..', '..', '.data');
  try {
    return JSON.parse(readFileSync(path.join(dataDir, 'nats-operator.json'), 'utf8')) as LauncherNats;
  } catch {
    return undefined;
  }
}

/**
 * Where a command connects, and as whom: `--server`, else `$NATS_URL`, else the nats-server
 * `npm start` is running (its address is kept in `.data/nats-operator.json`), else
 * {@link DEFAULT_SERVER}. The user is `$NATS_USER`/`$NATS_PASSWORD`, else the operator user
 * `npm start` made when the server is the one it started.
 */
export function connectionFor(server: string | undefined, env: Record<string, string | undefined>): ConnectionOptions {
  const launcher = launcherNats(env);
  const chosen = server ?? (env.NATS_URL || undefined) ?? launcher?.url ?? DEFAULT_SERVER;
  if (env.NATS_USER) return { server: chosen, user: env.NATS_USER, pass: env.NATS_PASSWORD ?? '' };
  if (launcher && launcher.url === chosen) return { server: chosen, user: launcher.user, pass: launcher.password };
  return { server: chosen };
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
  { server, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, user, pass }: ConnectionOptions,
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
      ...(user !== undefined ? { user, pass } : {}),
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
