import { JetStreamApiError, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { CONSUMER_POSITIONS_STREAM } from './stream-names';

export { CONSUMER_POSITIONS_STREAM };

/**
 * Where each durable consumer had got to: its ack floor (every event up to it is handled), one
 * message per consumer on `positions.<service>.<durable>`, the last one kept (the service's name
 * in the subject lets NATS permissions keep each service to its own positions). A consumer that is
 * recreated (an operator deleted it, or the server lost it) starts after this instead of at the
 * start of the stream, so a service does not replay days of events into its handlers.
 */
export const consumerPositionSubject = (service: string, durable: string): string => `positions.${service}.${durable}`;

async function ensurePositionsStream(nc: NatsConnection, replicas: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(CONSUMER_POSITIONS_STREAM);
  } catch {
    await jsm.streams
      .add({
        name: CONSUMER_POSITIONS_STREAM,
        subjects: ['positions.>'],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_msgs_per_subject: 1,
        num_replicas: replicas,
      })
      .catch(async (error: unknown) => {
        // Another service created it meanwhile.
        await jsm.streams.info(CONSUMER_POSITIONS_STREAM).catch(() => Promise.reject(error));
      });
  }
}

/** Records that `service`'s consumer `durable` has handled every event up to stream sequence `ackFloor`. */
export async function saveConsumerPosition(
  nc: NatsConnection,
  service: string,
  durable: string,
  ackFloor: number,
  { replicas = 1 }: { replicas?: number } = {},
): Promise<void> {
  await ensurePositionsStream(nc, replicas);
  await jetstream(nc).publish(consumerPositionSubject(service, durable), JSON.stringify({ ackFloor }), {
    expect: { streamName: CONSUMER_POSITIONS_STREAM },
  });
}

/** The last ack floor saved for `durable`, or undefined when none was. */
export async function loadConsumerPosition(
  nc: NatsConnection,
  service: string,
  durable: string,
): Promise<number | undefined> {
  const jsm = await jetstreamManager(nc);
  try {
    const stored = await jsm.streams.getMessage(CONSUMER_POSITIONS_STREAM, {
      last_by_subj: consumerPositionSubject(service, durable),
    });
    if (!stored) return undefined;
    const { ackFloor } = JSON.parse(new TextDecoder().decode(stored.data)) as { ackFloor?: unknown };
    return typeof ackFloor === 'number' && Number.isInteger(ackFloor) && ackFloor >= 0 ? ackFloor : undefined;
  } catch (error) {
    if (error instanceof JetStreamApiError) return undefined; // no stream yet, or no message for it
    throw error;
  }
}
