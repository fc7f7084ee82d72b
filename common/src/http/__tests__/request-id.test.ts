import type { Request } from 'express';
import { ConflictError } from '../../errors';
import { requestId } from '../request-context';

describe('requestId', () => {
  it('when the request has an id, then it is returned', () => {
    expect(requestId({ id: 'req-42' } as unknown as Request)).toBe('req-42');
  });

  it('when the request has none, then a fresh UUID stands in', () => {
    expect(requestId({} as Request)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('ConflictError', () => {
  it('answers 409 with its message and a stable code', () => {
    const error = new ConflictError('Ticket was changed by another request', 'TICKET_CONCURRENT_UPDATE');
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('TICKET_CONCURRENT_UPDATE');
    expect(error.serialize()).toEqual([
      { message: 'Ticket was changed by another request', code: 'TICKET_CONCURRENT_UPDATE' },
    ]);
    expect(new ConflictError('x').code).toBe('CONFLICT');
  });
});
