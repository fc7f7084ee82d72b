import { setTimeout as sleep } from 'node:timers/promises';
import { AuthorizationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '../logging';

export interface ConnectNatsOptions {
  /** One server URL or a comma-separated list, e.g. `nats://nats:4222`. */
  url: string;
  /** Connection name shown by the server's monitoring (use the service name). */
  name: string;
  logger: Logger;
  /** Give up on the first connection after this long (default 30 000 ms). */
  timeoutMs?: number;
  /** The service's own NATS user and password, when the server checks who may publish what. */
  user?: string;
  pass?: string;
}

const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 2_000;
const MAX_ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * Connects to NATS through `@nats-io/transport-node`, retrying with exponential backoff until
 * `timeoutMs` has passed, so a service that starts before its broker (docker compose,
 * Kubernetes) waits for it instead of crashing. Once connected, the client reconnects forever
 * (`maxReconnectAttempts: -1`) and every disconnect / reconnect is logged. Pass the connection
 * to `jetstream(nc)` / `jetstreamManager(nc)` from `@nats-io/jetstream` for JetStream.
 *
 * The first connection is retried here rather than with nats.js' `waitOnFirstConnect`, because
 * that option keeps dialling forever in the background with no way to stop it at a deadline.
 * `noAsyncTraces` is set: capturing an async stack trace on every request showed up in profiles.
 *
 * @throws Error `Could not connect to NATS at <url> within <n> s: <cause>` after the time-out.
 */
export async function connectNats({
  url,
  name,
  logger,
  timeoutMs = 30_000,
  user,
  pass,
}: ConnectNatsOptions): Promise<NatsConnection> {
  const deadline = Date.now() + timeoutMs;
  const servers = url.split(',').map((server) => server.trim());
  let delayMs = FIRST_RETRY_DELAY_MS;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const remainingMs = deadline - Date.now();
    try {
      const nc = await connect({
        servers,
        name,
        timeout: Math.max(1, Math.min(remainingMs, MAX_ATTEMPT_TIMEOUT_MS)),
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
        noAsyncTraces: true,
        ...(user !== undefined ? { user, pass } : {}),
      });
      logger.info({ server: nc.getServer(), attempt }, 'connected to NATS');
      void logStatus(nc, logger);
      return nc;
    } catch (error) {
      const cause = describeError(error);
      // Wrong credentials do not get better by waiting.
      if (error instanceof AuthorizationError)
        throw new Error(`NATS at ${url} refused user ${user ?? '(none)'}: ${cause}`);
      const waitMs = Math.min(delayMs, deadline - Date.now());
      if (waitMs <= 0) {
        const seconds = Math.round(timeoutMs / 100) / 10;
        throw new Error(`Could not connect to NATS at ${url} within ${seconds} s: ${cause}`);
      }
      logger.debug({ url, attempt, cause, retryInMs: waitMs }, 'NATS not reachable yet, retrying');
      await sleep(waitMs);
      delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code !== error.message ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Logs the connection's life until it closes: outages at warn, recoveries at info. */
async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  void nc.closed().then((error) => {
    if (error) logger.error({ err: error }, 'NATS connection closed with an error');
    else logger.info('NATS connection closed');
  });
  // The iterator ends when the connection closes.
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        logger.warn({ server: status.server }, 'disconnected from NATS, reconnecting');
        break;
      case 'reconnect':
        logger.info({ server: status.server }, 'reconnected to NATS');
        break;
      case 'ldm':
        logger.warn({ server: status.server }, 'NATS server entering lame duck mode');
        break;
      case 'error':
        logger.error({ err: status.error }, 'NATS asynchronous error');
        break;
      case 'reconnecting':
        logger.debug('reconnecting to NATS');
        break;
      case 'slowConsumer':
        logger.warn({ sub: status.sub.getSubject(), pending: status.pending }, 'NATS slow consumer');
        break;
      default:
        logger.trace({ status }, 'NATS status');
    }
  }
}
