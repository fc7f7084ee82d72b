import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { expirationEventId } from '../src/domain/complete-expiration';
import { uuidV5 } from '../src/domain/uuid-v5';

describe('expiration.complete event ids', () => {
  it('when hashing a name, then it matches the RFC 9562 version 5 reference', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('when derived twice from one order, then the ids are equal; for two orders, different', () => {
    const orderId = randomUUID();
    expect(expirationEventId(orderId)).toBe(expirationEventId(orderId));
    expect(expirationEventId(orderId)).not.toBe(expirationEventId(randomUUID()));
  });

  it('when derived, then it is a valid UUID for the event envelope', () => {
    expect(z.uuid().safeParse(expirationEventId(randomUUID())).success).toBe(true);
  });
});
