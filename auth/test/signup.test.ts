import request from 'supertest';
import { users } from '../src/db/schema';
import { type AuthTestBed, createAuthTestBed, credentials, signUp } from './harness';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterEach(() => bed.truncate());
afterAll(() => bed.close());

describe('POST /api/users/signup', () => {
  it('when the email and password are valid, then it answers 201 with the user and sets an httpOnly, lax session cookie', async () => {
    const response = await request(bed.app()).post('/api/users/signup').send(credentials()).expect(201);

    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'buyer@test.dev' });
    const cookie = response.get('Set-Cookie')?.join(';') ?? '';
    expect(cookie).toMatch(/^session=/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=lax');
    expect(cookie.toLowerCase()).not.toContain('secure');
  });

  it('when running in production behind https, then the cookie is secure', async () => {
    const response = await request(bed.app({ NODE_ENV: 'production' }))
      .post('/api/users/signup')
      .set('X-Forwarded-Proto', 'https')
      .send(credentials())
      .expect(201);
    expect(response.get('Set-Cookie')?.join(';').toLowerCase()).toContain('secure');
  });

  it('when the email has surrounding spaces and capitals, then it is stored trimmed and lower-cased', async () => {
    const response = await request(bed.app())
      .post('/api/users/signup')
      .send(credentials('  Mixed.Case@Test.DEV '))
      .expect(201);
    expect(response.body.email).toBe('mixed.case@test.dev');
  });

  it('when the email is taken, then it answers 400 and creates no second user', async () => {
    await signUp(bed.app());
    const response = await request(bed.app()).post('/api/users/signup').send(credentials()).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Email in use', code: 'EMAIL_IN_USE', field: 'email' }] });
    expect(await bed.db.select().from(users)).toHaveLength(1);
  });

  it('when the email differs from a taken one only in case, then it is also in use', async () => {
    await signUp(bed.app(), 'buyer@test.dev');
    await request(bed.app()).post('/api/users/signup').send(credentials('BUYER@Test.Dev')).expect(400);
    expect(await bed.db.select().from(users)).toHaveLength(1);
  });

  it('when two sign-ups with the same email race, then exactly one succeeds', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => request(bed.app()).post('/api/users/signup').send(credentials())),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 400, 400, 400, 400]);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: 'secret-pw' }, 'email', 'VALIDATION_FAILED'],
    ['a numeric email', { email: 12345, password: 'secret-pw' }, 'email', 'VALIDATION_FAILED'],
    ['an object as password', { email: 'a@test.dev', password: { $ne: '' } }, 'password', 'VALIDATION_FAILED'],
  ])('when the body has %s, then it answers 400 naming the field', async (_case, body, field, code) => {
    const response = await request(bed.app()).post('/api/users/signup').send(body).expect(400);
    expect(response.body.errors).toEqual([{ field, code, message: expect.any(String) }]);
    expect(await bed.db.select().from(users)).toHaveLength(0);
  });

  it.each([
    ['7 characters', 'x'.repeat(7)],
    ['7 characters, spaces included', ' ab cd '],
    ['no characters', ''],
  ])(
    'when the password has %s, then it answers 400 PASSWORD_TOO_SHORT and creates no user',
    async (_case, password) => {
      const response = await request(bed.app()).post('/api/users/signup').send(credentials('a@test.dev', password));
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [{ message: 'Password must be at least 8 characters', code: 'PASSWORD_TOO_SHORT', field: 'password' }],
      });
      expect(await bed.db.select().from(users)).toHaveLength(0);
    },
  );

  it('when the password has 129 characters, then it answers 400 PASSWORD_TOO_LONG and creates no user', async () => {
    const response = await request(bed.app())
      .post('/api/users/signup')
      .send(credentials('a@test.dev', 'x'.repeat(129)))
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Password must be at most 128 characters', code: 'PASSWORD_TOO_LONG', field: 'password' }],
    });
    expect(await bed.db.select().from(users)).toHaveLength(0);
  });

  it.each([
    ['8 characters', 'p'.repeat(8)],
    ['128 characters', 'p'.repeat(128)],
    ['8 characters of which the spaces around are part', '  abcd  '],
    ['8 emoji (16 UTF-16 code units)', '🎫'.repeat(8)],
    ['128 emoji', '🎫'.repeat(128)],
  ])('when the password has %s, then it is accepted', async (_case, password) => {
    await request(bed.app()).post('/api/users/signup').send(credentials('edge@test.dev', password)).expect(201);
  });

  it('when the password has spaces around it, then it is kept as typed: only the same spaces sign in', async () => {
    await request(bed.app())
      .post('/api/users/signup')
      .send(credentials('spaces@test.dev', '  pass word  '))
      .expect(201);

    const trimmed = await request(bed.app())
      .post('/api/users/signin')
      .send(credentials('spaces@test.dev', 'pass word'))
      .expect(400);
    expect(trimmed.body).toEqual({
      errors: [{ message: "That email and password don't match", code: 'INVALID_CREDENTIALS' }],
    });
    await request(bed.app()).post('/api/users/signin').send(credentials('spaces@test.dev', ' pass word ')).expect(400);
    await request(bed.app())
      .post('/api/users/signin')
      .send(credentials('spaces@test.dev', '  pass word  '))
      .expect(200);
  });

  it('when a password is common, then it is still accepted (no blocklist; the original API’s tests use "password")', async () => {
    await request(bed.app()).post('/api/users/signup').send(credentials('common@test.dev', 'password')).expect(201);
  });

  it('when both fields are missing, then it answers 400 with one error per field', async () => {
    const response = await request(bed.app()).post('/api/users/signup').send({}).expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
  });

  it('when the JSON is malformed, then it answers 400 with a clear message', async () => {
    const response = await request(bed.app())
      .post('/api/users/signup')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@test.dev",')
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Malformed JSON body', code: 'MALFORMED_JSON' }] });
  });

  it('when the body is larger than the limit, then it answers 413 and stores nothing', async () => {
    const response = await request(bed.app())
      .post('/api/users/signup')
      .send({ email: 'big@test.dev', password: 'x'.repeat(200_000) })
      .expect(413);
    expect(response.body.errors).toEqual([{ message: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' }]);
    expect(await bed.db.select().from(users)).toHaveLength(0);
  });

  it('when the limit of sign-ups per address is reached, then it answers 429 with a clear message', async () => {
    const app = bed.app({ RATE_LIMIT_SIGNUP: 2 });
    await request(app).post('/api/users/signup').send(credentials('one@test.dev')).expect(201);
    await request(app).post('/api/users/signup').send(credentials('two@test.dev')).expect(201);
    const response = await request(app).post('/api/users/signup').send(credentials('three@test.dev')).expect(429);
    expect(response.body.errors).toEqual([
      { message: 'Too many sign-ups from this address; try again in 15 minutes', code: 'RATE_LIMITED' },
    ]);
  });

  it('never returns the password hash', async () => {
    const response = await request(bed.app()).post('/api/users/signup').send(credentials()).expect(201);
    const [stored] = await bed.db.select().from(users);
    expect(stored?.passwordHash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    expect(JSON.stringify(response.body)).not.toContain('scrypt');
    expect(JSON.stringify(response.body)).not.toContain(stored?.passwordHash.split('$')[4]);
  });
});
