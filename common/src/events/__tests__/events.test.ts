import { randomUUID } from 'node:crypto';
import { createEvent, parseEvent, serializeEvent } from '../envelope';
import { eventDataSchemas } from '../index';
import { eventDataSchemas as schemas } from '../schemas';
import { OrderStatus, STREAM_SUBJECTS, Subjects } from '../subjects';

const ticket = { id: randomUUID(), version: 0, title: 'Concert', price: 2050, userId: randomUUID() };

describe('event contracts', () => {
  it('has a schema for every subject, and every subject is captured by the stream', () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.values(Subjects).sort());
    for (const subject of Object.values(Subjects)) {
      expect(STREAM_SUBJECTS.some((pattern) => subject.startsWith(pattern.replace('>', '')))).toBe(true);
    }
  });

  it('when an event is created, then it carries an envelope and its correlation defaults to its own id', () => {
    const event = createEvent(Subjects.TicketCreated, ticket);
    expect(event).toMatchObject({ subject: 'ticket.created', data: ticket });
    expect(event.correlationId).toBe(event.eventId);
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
  });

  it('when a correlation id is given, then the event keeps it', () => {
    expect(createEvent(Subjects.TicketCreated, ticket, { correlationId: 'req-1' }).correlationId).toBe('req-1');
  });

  it('when the data breaks the contract, then creating the event throws', () => {
    expect(() => createEvent(Subjects.TicketCreated, { ...ticket, price: 20.5 })).toThrow();
  });

  it('when a text field holds a NUL character, then the payload is refused (no database could store it)', () => {
    const event = createEvent(Subjects.TicketCreated, ticket);
    const result = parseEvent(Subjects.TicketCreated, { ...event, data: { ...ticket, title: 'Jazz\u0000night' } });
    expect(result.success).toBe(false);
  });

  it('when a serialized event is parsed, then it round-trips', () => {
    const event = createEvent(Subjects.OrderCreated, {
      id: randomUUID(),
      version: 0,
      status: OrderStatus.Created,
      userId: randomUUID(),
      expiresAt: new Date().toISOString(),
      ticket: { id: ticket.id, price: 2050 },
    });
    const payload = JSON.parse(new TextDecoder().decode(serializeEvent(event)));
    expect(payload.subject).toBeUndefined();
    expect(parseEvent(Subjects.OrderCreated, payload)).toEqual({ success: true, event });
  });

  it('when a payload breaks the contract, then parsing says why', () => {
    const result = parseEvent(Subjects.ExpirationComplete, { eventId: 'nope', data: {} });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error).toMatch(/eventId/);
    expect(eventDataSchemas).toBe(schemas);
  });
});
