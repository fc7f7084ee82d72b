import { DrizzleQueryError } from 'drizzle-orm';
import type pino from 'pino';
import { createLogger, serializeError } from '../logger';

/** A logger of `createLogger` whose lines are kept, as text and parsed. */
function captured(): { logger: pino.Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger('test', 'info', { write: (line: string) => raw.push(line) });
  return {
    logger,
    text: () => raw.join(''),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const EMAIL = 'buyer@secret.dev';
const HASH = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5';
const ROW = `(7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f, ${EMAIL}, ${HASH}, 2030-01-01)`;

/** What drizzle and pg throw when an insert meets a check constraint: the values ride along. */
function databaseError(): DrizzleQueryError {
  const pgError = Object.assign(new Error('new row for relation "users" violates check constraint "users_refuse"'), {
    name: 'error',
    code: '23514',
    severity: 'ERROR',
    detail: `Failing row contains ${ROW}.`,
    table: 'users',
    constraint: 'users_refuse',
    where: `PL/pgSQL function check_user() line 3 at RAISE: ${EMAIL}`,
    internalQuery: `select '${EMAIL}'`,
  });
  return new DrizzleQueryError(
    'insert into "users" ("id", "email", "password_hash") values ($1, $2, $3)',
    ['7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f', EMAIL, HASH],
    pgError,
  );
}

describe('serializeError', () => {
  it('when a query fails, then the error keeps its SQL without values, the driver’s message and code, and drops the parameters, detail and context', () => {
    const serialized = serializeError(databaseError()) as Record<string, unknown> & { cause: Record<string, unknown> };

    expect(serialized.message).toBe(
      'Failed query: insert into "users" ("id", "email", "password_hash") values ($1, $2, $3)',
    );
    expect(serialized.type).toBe('DrizzleQueryError');
    expect(serialized.stack).toMatch(/^DrizzleQueryError: Failed query: insert into "users"[^\n]*\n {4}at /);
    expect(serialized.cause).toMatchObject({
      message: 'new row for relation "users" violates check constraint "users_refuse"',
      code: '23514',
      table: 'users',
      constraint: 'users_refuse',
    });
    const text = JSON.stringify(serialized);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('c2FsdHNhbHRzYWx0c2FsdA');
    expect(text).not.toContain('params');
    expect(serialized).not.toHaveProperty('detail');
    expect(serialized.cause).not.toHaveProperty('detail');
    expect(serialized.cause).not.toHaveProperty('where');
  });

  it('when a driver message quotes a value, then the value is left out', () => {
    const uuid = Object.assign(new Error('invalid input syntax for type uuid: "not-a-uuid-secret"'), { code: '22P02' });
    const serialized = serializeError(new DrizzleQueryError('select 1 where id = $1', ['not-a-uuid-secret'], uuid));
    expect(JSON.stringify(serialized)).not.toContain('not-a-uuid-secret');
    expect((serialized as { cause: { message: string } }).cause.message).toBe(
      'invalid input syntax for type uuid: [redacted]',
    );
  });

  it('when an error carries secrets by name or objects such as request configs, then those are not serialized', () => {
    const error = Object.assign(new Error('gateway failed'), {
      statusCode: 502,
      password: 'hunter2-hunter2',
      apiKey: 'sk_live_123',
      authorization: 'Bearer abc',
      config: { headers: { Authorization: 'Bearer sk_live_123' } },
      raw: { card: { number: '4242424242424242' } },
    });
    const serialized = serializeError(error) as Record<string, unknown>;
    expect(serialized).toMatchObject({ message: 'gateway failed', statusCode: 502, password: '[redacted]' });
    const text = JSON.stringify(serialized);
    for (const secret of ['hunter2', 'sk_live_123', 'Bearer', '4242424242424242']) expect(text).not.toContain(secret);
  });

  it('when the thing thrown is not an error, then it is logged as it is, and a cause chain that loops ends', () => {
    expect(serializeError('a bare string')).toBe('a bare string');
    const looping = new Error('outer') as Error & { cause?: unknown };
    looping.cause = looping;
    expect(JSON.stringify(serializeError(looping))).toContain('outer');
  });
});

describe('createLogger', () => {
  it('when sign-up meets a database error, then the line names the failure and the request but no email, hash or parameters', () => {
    const { logger, text, lines } = captured();
    logger.error({ err: databaseError(), reqId: 'req-7' }, 'Unhandled error while handling request');

    expect(lines()[0]).toMatchObject({
      reqId: 'req-7',
      err: { message: expect.stringContaining('Failed query: insert into "users"'), cause: { code: '23514' } },
    });
    expect(text()).not.toContain(EMAIL);
    expect(text()).not.toContain('$scrypt$');
  });

  it('redacts cookies, authorization, tokens, passwords and card data wherever a line carries them', () => {
    const { logger, text, lines } = captured();
    logger.info(
      {
        req: { headers: { cookie: 'session=eyJqd3Qi', authorization: 'Bearer eyJhbGci' }, body: { password: 'pw-1' } },
        res: { headers: { 'set-cookie': 'session=eyJzZXQ' } },
        headers: { cookie: 'session=eyJoZWFk' },
        password: 'pw-2',
        passwordHash: '$scrypt$ln=14,r=8,p=1$x$y',
        token: 'tok_visa',
        jwt: 'eyJqd3Q',
        card: { number: '4242424242424242', cvc: '123' },
        payment: { token: 'tok_chargeDeclined', cardNumber: '4000000000000002' },
        orderId: 'order-1',
      },
      'an event',
    );
    for (const secret of ['eyJ', 'pw-1', 'pw-2', '$scrypt$', 'tok_', '4242424242424242', '4000000000000002']) {
      expect(text()).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({ orderId: 'order-1', password: '[redacted]', msg: 'an event' });
  });
});
