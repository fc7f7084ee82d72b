import { sql } from 'drizzle-orm';
import request from 'supertest';
import { type AuthTestBed, capturedLogger, createAuthTestBed, credentials, signUp } from './harness';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterEach(async () => {
  await bed.db.execute(sql`alter table users drop constraint if exists users_refuse_new_rows`);
  await bed.truncate();
});
afterAll(() => bed.close());

describe('logs of a failed sign-up', () => {
  it('when sign-up meets a database error, then the log line says what failed and for which request, without the email, password, hash or cookie', async () => {
    const { cookie } = await signUp(bed.app(), 'earlier@test.dev');
    // The database refuses every new row: pg's error detail would list the whole row, and
    // drizzle's error carries the query's parameters (id, email, password hash).
    await bed.db.execute(sql`alter table users add constraint users_refuse_new_rows check (false) not valid`);
    const { logger, lines } = capturedLogger();
    const email = 'private.person@test.dev';
    const password = 'my very private passphrase';

    const response = await request(bed.app({}, { logger }))
      .post('/api/users/signup')
      .set('x-request-id', 'signup-db-error-1')
      .set('Cookie', cookie)
      .send(credentials(email, password))
      .expect(500);

    expect(response.body).toEqual({ errors: [{ message: 'Something went wrong', code: 'INTERNAL_ERROR' }] });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = parsed.find((line) => line.msg === 'Unhandled error while handling request');
    expect(failure).toMatchObject({
      level: 50,
      reqId: 'signup-db-error-1',
      err: {
        message: expect.stringMatching(/^Failed query: insert into "users" .* values \(\$1, \$2, \$3, default\)/),
        cause: {
          message: 'new row for relation "users" violates check constraint "users_refuse_new_rows"',
          code: '23514',
          constraint: 'users_refuse_new_rows',
        },
      },
    });
    const text = lines.join('\n');
    expect(text).not.toContain(email);
    expect(text).not.toContain(password);
    expect(text).not.toContain('$scrypt$');
    expect(text).not.toMatch(/[A-Za-z0-9+/]{86}/); // the base64 of a 64-byte key
    expect(text).not.toContain(
      String(cookie)
        .replace(/^session=/, '')
        .split(';')[0],
    );
    expect(text).not.toContain('Failing row');
  });
});
