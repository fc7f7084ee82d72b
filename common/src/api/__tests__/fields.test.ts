import { randomUUID } from 'node:crypto';
import { uuidField } from '../fields';

describe('uuidField', () => {
  const field = uuidField('ticketId');
  const messageOf = (value: unknown) => field.safeParse(value).error?.issues[0]?.message;

  it('when the value is an RFC 9562 UUID (or the nil id), then it is accepted', () => {
    expect(field.safeParse(randomUUID()).success).toBe(true);
    expect(field.safeParse('00000000-0000-0000-0000-000000000000').success).toBe(true);
  });

  it('when the value is UUID-shaped but of no version or variant, then it is refused as the services always did', () => {
    expect(messageOf('00000000-0000-0000-0000-000000000001')).toBe('ticketId must be a valid UUID');
    expect(messageOf('6f1c2b9e-8d4a-9c3b-7e2f-1a7d5c8b0e34')).toBe('ticketId must be a valid UUID');
  });

  it('when the value is missing or not a string, then the message says which', () => {
    expect(messageOf(undefined)).toBe('ticketId is required');
    expect(messageOf(null)).toBe('ticketId is required');
    expect(messageOf(42)).toBe('ticketId must be a string');
  });
});
