import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createEvent } from '../../events/envelope';
import { Subjects } from '../../events/subjects';
import { EVENT_CONSUMERS } from '../../messaging/permissions';
import { asyncApiDocument, asyncApiDocumentJson, consumersOf, publisherOf } from '../asyncapi';

const document = asyncApiDocument();
type Operation = { action: string; channel: { $ref: string }; tags: Array<{ name: string }> };
const operations = Object.values(document.operations as Record<string, Operation>);
const channelOf = (subject: string) =>
  Object.entries(document.channels as Record<string, { address: string }>).find(([, c]) => c.address === subject)!;

describe('the AsyncAPI document of the event catalog', () => {
  it('when parsed by the AsyncAPI parser, then it is a valid AsyncAPI 3.0 document', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(asyncApiDocumentJson());
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    expect(
      parsed
        ?.channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual(Object.values(Subjects));
  });

  it('when a subject is published and consumed, then its channel has one send operation and a receive per consumer', () => {
    for (const subject of Object.values(Subjects)) {
      const [key] = channelOf(subject);
      const on = operations.filter((operation) => operation.channel.$ref === `#/channels/${key}`);
      expect(on.filter((o) => o.action === 'send').map((o) => o.tags[0]!.name)).toEqual([publisherOf(subject)]);
      expect(on.filter((o) => o.action === 'receive').map((o) => o.tags[0]!.name)).toEqual(consumersOf(subject));
    }
    expect(consumersOf(Subjects.OrderCreated)).toEqual(
      Object.keys(EVENT_CONSUMERS).filter((service) =>
        EVENT_CONSUMERS[service as keyof typeof EVENT_CONSUMERS].includes(Subjects.OrderCreated),
      ),
    );
    expect(publisherOf(Subjects.ExpirationComplete)).toBe('expiration');
  });

  it('when an event is built by createEvent, then its message schema accepts it, and refuses it without its envelope or with bad data', () => {
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const { messages } = document.components as { messages: Record<string, { payload: object }> };
    const [key] = channelOf(Subjects.OrderCreated);
    const validate = ajv.compile(messages[key]!.payload);
    const { subject: _subject, ...event } = createEvent(Subjects.OrderCreated, {
      id: '0b4c2ad5-2a42-4ac0-9a40-6c27e0e4c2f1',
      version: 0,
      status: 'created',
      userId: '6d1f5a39-2c6e-4a4b-8f0e-3f6c7b1d2e4a',
      expiresAt: new Date().toISOString(),
      reservationNumber: 1,
      ticket: { id: '9a7e1c52-5b7f-4f7e-9c1d-2b3a4c5d6e7f', price: 2000, currency: 'usd' },
    });
    expect(validate(event)).toBe(true);
    const { eventId: _eventId, ...withoutId } = event;
    expect(validate(withoutId)).toBe(false);
    expect(validate({ ...event, data: { ...event.data, ticket: { ...event.data.ticket, price: 20.5 } } })).toBe(false);
  });

  it('when the contracts change, then docs/asyncapi.json is regenerated with them (npm run contracts)', () => {
    const committed = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(asyncApiDocumentJson()));
  });
});
