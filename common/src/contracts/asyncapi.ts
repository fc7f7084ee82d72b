import { envelopeSchema } from '../events/envelope';
import { eventDataSchemas, eventDescriptions } from '../events/schemas';
import { STREAM_NAME, type Subject, Subjects } from '../events/subjects';
import { EVENT_CONSUMERS, EVENT_OWNER_NAMES, EVENT_OWNERS, type EventOwner } from '../messaging/permissions';
import { durableName } from '../messaging/stream-names';
import { CONTRACTS_VERSION, type JsonSchema, jsonSchemaOf } from './json-schema';

/** The name of a subject in the document: `ticket.created` → `ticketCreated`. */
function keyOf(subject: Subject): string {
  const [name] = Object.entries(Subjects).find(([, value]) => value === subject)!;
  return name[0]!.toLowerCase() + name.slice(1);
}

/** The service allowed to publish `subject` (its NATS permissions): each subject has exactly one. */
export function publisherOf(subject: Subject): EventOwner {
  const owners = EVENT_OWNER_NAMES.filter((service) =>
    EVENT_OWNERS[service].some((pattern) => subject.startsWith(pattern.replace(/>$/, ''))),
  );
  if (owners.length !== 1) throw new Error(`${subject} has ${owners.length} publishers`);
  return owners[0]!;
}

/** The services that listen to `subject`, each through a durable consumer of its own. */
export function consumersOf(subject: Subject): EventOwner[] {
  return EVENT_OWNER_NAMES.filter((service) => EVENT_CONSUMERS[service].includes(subject));
}

/**
 * The event catalog as an AsyncAPI 3.0 document, generated from the contracts in `common`: one
 * channel per subject, its message's payload (the envelope and the subject's data, from the same
 * zod schemas `createEvent` and `parseEvent` use), a `send` operation for the service that
 * publishes it and a `receive` operation for each service that consumes it.
 * `npm run contracts` writes it to `docs/asyncapi.json`.
 */
export function asyncApiDocument(version: string = CONTRACTS_VERSION): JsonSchema {
  const subjects = Object.values(Subjects);
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  const messages: JsonSchema = {};
  for (const subject of subjects) {
    const key = keyOf(subject);
    const payload = envelopeSchema.extend({ data: eventDataSchemas[subject] });
    messages[key] = {
      name: key,
      title: subject,
      summary: eventDescriptions[subject],
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/natsHeaders' },
      correlationId: { $ref: '#/components/correlationIds/correlationId' },
      payload: jsonSchemaOf(payload, { target: 'draft-7' }),
    };
    channels[key] = {
      address: subject,
      title: subject,
      description: `${eventDescriptions[subject]} Kept in the ${STREAM_NAME} stream.`,
      messages: { [key]: { $ref: `#/components/messages/${key}` } },
    };
    const channel = { $ref: `#/channels/${key}` };
    const message = [{ $ref: `#/channels/${key}/messages/${key}` }];
    const publisher = publisherOf(subject);
    operations[`${publisher}Publishes${key[0]!.toUpperCase()}${key.slice(1)}`] = {
      action: 'send',
      channel,
      messages: message,
      title: `${publisher} publishes ${subject}`,
      summary: `Written to ${publisher}'s outbox in the transaction of the change, then published with the eventId as its message id.`,
      tags: [{ name: publisher }],
    };
    for (const consumer of consumersOf(subject)) {
      operations[`${consumer}Receives${key[0]!.toUpperCase()}${key.slice(1)}`] = {
        action: 'receive',
        channel,
        messages: message,
        title: `${consumer} receives ${subject}`,
        summary: `Durable consumer ${durableName(consumer, subject)}, explicit ack after the handler's transaction committed.`,
        tags: [{ name: consumer }],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Ticketing events',
      version,
      description: [
        `The events the Ticketing services exchange through NATS JetStream, one stream (${STREAM_NAME}).`,
        'Each service publishes only its own subjects; each (service, subject) pair is one durable consumer shared by all replicas of that service.',
        'Every event carries `eventId`, `occurredAt` and `correlationId` beside its `data`; money is in integer minor units with its currency.',
      ].join(' '),
      tags: EVENT_OWNER_NAMES.map((name) => ({ name })),
    },
    defaultContentType: 'application/json',
    servers: {
      cluster: {
        host: 'nats:4222',
        protocol: 'nats',
        description: 'The NATS cluster in Kubernetes (JetStream); each service connects as its own user.',
      },
      local: {
        host: '127.0.0.1:{port}',
        protocol: 'nats',
        description: 'The nats-server `npm start` runs; it prints the port at start-up.',
        variables: { port: { description: 'A free port chosen at start-up.' } },
      },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: {
        natsHeaders: {
          type: 'object',
          properties: {
            'Nats-Msg-Id': {
              type: 'string',
              format: 'uuid',
              description: "The event's eventId: JetStream drops a message it has seen within the duplicate window.",
            },
          },
        },
      },
      correlationIds: {
        correlationId: {
          description: 'The id of the HTTP request or event that caused this event.',
          location: '$message.payload#/correlationId',
        },
      },
    },
  };
}

/** {@link asyncApiDocument} as the text of `docs/asyncapi.json`. */
export const asyncApiDocumentJson = (): string => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
