import { createEvent, type Logger, type Publisher, Subjects } from '@ticketing/common';
import type { ExpirationMetrics } from '../metrics';
import { uuidV5 } from './uuid-v5';

/** Fixed namespace of expiration.complete event ids; changing it breaks deduplication across a deploy. */
const EXPIRATION_EVENT_NAMESPACE = '5f1eea01-5a19-4eb9-8ca3-e098dbe935f4';

/**
 * The eventId (and so the JetStream msgID) of an order's expiration.complete: derived from the
 * order id, so a job that is retried or re-run after a crash publishes the same id and the
 * stream's duplicate window drops the copy.
 */
export function expirationEventId(orderId: string): string {
  return uuidV5(orderId, EXPIRATION_EVENT_NAMESPACE);
}

export interface CompleteExpirationDeps {
  publish: Publisher;
  metrics: ExpirationMetrics;
  logger: Logger;
}

export interface CompletedExpiration {
  eventId: string;
  /** True when the stream had the event already (a retried job). */
  duplicate: boolean;
}

/**
 * Announces that an order's reservation window has passed: publishes expiration.complete and
 * resolves once JetStream stored it. Throws when the publish fails, so the job is retried.
 */
export async function completeExpiration(
  { publish, metrics, logger }: CompleteExpirationDeps,
  { orderId, correlationId }: { orderId: string; correlationId: string },
): Promise<CompletedExpiration> {
  const eventId = expirationEventId(orderId);
  const event = createEvent(Subjects.ExpirationComplete, { orderId }, { eventId, correlationId });
  const ack = await publish(event);
  const about = { orderId, eventId, correlationId, seq: ack.seq };
  if (ack.duplicate) {
    logger.info(about, 'expiration.complete was already published; duplicate dropped by the stream');
  } else {
    metrics.fired.inc();
    logger.info(about, 'expiration.complete published');
  }
  return { eventId, duplicate: ack.duplicate };
}
