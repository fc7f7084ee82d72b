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
    ['an invalid email', { email: 'not-an-email', password: 'secret' }, 'email'],
    ['a numeric email', { email: 12345, password: 'secret' }, 'email'],
    ['a password of 3 characters', { email: 'a@test.dev', password: 'abc' }, 'password'],
    ['a password of 3 characters padded with spaces', { email: 'a@test.dev', password: '   abc   ' }, 'password'],
    ['a password of 21 characters', { email: 'a@test.dev', password: 'x'.repeat(21) }, 'password'],
    ['an object as password', { email: 'a@test.dev', password: { $ne: '' } }, 'password'],
  ])('when the body has %s, then it answers 400 naming the field', async (_case, body, field) => {
    const response = await request(bed.app()).post('/api/users/signup').send(body).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field, message: expect.any(String) })]);
    expect(await bed.db.select().from(users)).toHaveLength(0);
  });

  it.each([4, 20])('when the password has exactly %i characters, then it is accepted', async (length) => {
    await request(bed.app())
      .post('/api/users/signup')
      .send(credentials('edge@test.dev', 'p'.repeat(length)))
      .expect(201);
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
      { message: 'Too many sign-ups from this address, try again later', code: 'RATE_LIMITED' },
    ]);
  });

  it('never returns the password hash', async () => {
    const response = await request(bed.app()).post('/api/users/signup').send(credentials()).expect(201);
    const [stored] = await bed.db.select().from(users);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(response.body)).not.toContain('scrypt');
    expect(JSON.stringify(response.body)).not.toContain(stored?.passwordHash.split('$')[3]);
  });
});
