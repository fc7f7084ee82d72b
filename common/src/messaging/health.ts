import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Builds the NATS part of `/readyz`: the returned check resolves when the connection is up and
 * the server answers a round trip within `timeoutMs`, and throws otherwise (closed, draining,
 * disconnected, or unresponsive).
 */
export function natsReadiness(
  nc: NatsConnection,
  { timeoutMs = 2_000 }: { timeoutMs?: number } = {},
): () => Promise<void> {
  return async () => {
    if (nc.isClosed()) throw new Error('NATS connection is closed');
    if (nc.isDraining()) throw new Error('NATS connection is draining');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`NATS did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // rtt() fails at once while disconnected; otherwise it is a PING/PONG round trip.
      await Promise.race([nc.rtt(), timeout]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`NATS is not reachable: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Whether JetStream itself answers (the account's information, within `timeoutMs`): the outbox
 * relay asks when a publication fails, to tell a bad event from an outage.
 */
export function jetStreamHealthy(
  nc: NatsConnection,
  { timeoutMs = 2_000 }: { timeoutMs?: number } = {},
): () => Promise<boolean> {
  return async () => {
    if (nc.isClosed() || nc.isDraining()) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const answered = (async () => {
        await (await jetstreamManager(nc)).getAccountInfo();
        return true;
      })();
      return await Promise.race([answered.catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
