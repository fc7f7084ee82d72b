import { jetstream } from '@nats-io/jetstream';
import {
  createEvent,
  type Event,
  envelopeSchema,
  eventDataSchemas,
  publishEvent,
  STREAM_NAME,
  type Subject,
} from '@ticketing/common';
import { z } from 'zod';
import { isCatalogSubject, unknownSubjectError } from '../catalog';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, isNoResponders, missingStreamError, oneLine, withJetStream } from '../connection';
import type { Output } from '../output';
import { sampleData } from '../samples';

const PUBLISH_TIMEOUT_MS = 5_000;

export interface PublishOptions extends ConnectionOptions {
  subject: string;
  /** The event's data as JSON text. With `sample`, its fields override the sample's. */
  data?: string;
  /** Build a valid sample payload for the subject. */
  sample?: boolean;
  /** Default: the event id (the event starts a new chain). */
  correlationId?: string;
  /** Default: a new uuid. Re-use one to see the server drop the duplicate. */
  eventId?: string;
}

export interface PublishResult {
  event: Event;
  stream: string;
  seq: number;
  duplicate: boolean;
}

/**
 * Publishes one catalog event the way the services do (`msgID` = eventId, so the server drops a
 * re-publish within its duplicate window). Everything is validated before connecting: an unknown
 * subject or invalid data is a {@link CliError} and nothing is published.
 */
export async function publish(options: PublishOptions, output: Output): Promise<PublishResult> {
  const event = buildEvent(options);
  const ack = await withJetStream(options, async ({ nc }) => {
    try {
      return await publishEvent(jetstream(nc), event, {
        expect: { streamName: STREAM_NAME },
        timeoutMs: PUBLISH_TIMEOUT_MS,
      });
    } catch (error) {
      // "no responders": no stream captures the subject.
      if (isNoResponders(error)) throw missingStreamError(options.server);
      throw new CliError(`Publishing to ${options.server} failed: ${oneLine(error)}`, ExitCode.ConnectionError);
    }
  });

  output.out(`Published ${event.subject} to stream ${ack.stream}, seq ${ack.seq}`);
  output.out(`  eventId        ${event.eventId}`);
  output.out(`  correlationId  ${event.correlationId}`);
  output.out(
    `  duplicate      ${
      ack.duplicate ? `yes: the server already holds this eventId (seq ${ack.seq}) and stored nothing new` : 'no'
    }`,
  );
  // A duplicate's data was dropped: printing it would suggest it is what the stream holds.
  if (!ack.duplicate) output.out(`  data           ${JSON.stringify(event.data)}`);
  return { event, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

function buildEvent({ subject, data, sample = false, correlationId, eventId }: PublishOptions): Event {
  if (!isCatalogSubject(subject)) throw unknownSubjectError(subject);
  if (data === undefined && !sample) {
    throw new CliError(`Give the ${subject} data as a JSON argument, or use --sample.`);
  }
  const given = data === undefined ? {} : parseJson(data);
  if (sample && !isPlainObject(given)) {
    throw new CliError('With --sample, the JSON argument must be an object whose fields override the sample.');
  }
  const candidate = sample ? { ...sampleData(subject), ...(given as object) } : given;

  const result = eventDataSchemas[subject as Subject].safeParse(candidate);
  if (!result.success) {
    throw new CliError(`Invalid ${subject} data:\n${z.prettifyError(result.error)}`);
  }
  const envelope = envelopeSchema.pick({ eventId: true, correlationId: true }).partial().safeParse({
    eventId,
    correlationId,
  });
  if (!envelope.success) {
    throw new CliError(`Invalid envelope:\n${z.prettifyError(envelope.error)}`);
  }
  return createEvent(subject, result.data as never, envelope.data);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`The data is not valid JSON: ${oneLine(error)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
