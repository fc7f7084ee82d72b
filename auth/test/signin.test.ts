import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import request from 'supertest';
import { users } from '../src/db/schema';
import { type AuthTestBed, createAuthTestBed, credentials, signUp } from './harness';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterEach(() => bed.truncate());
afterAll(() => bed.close());

describe('POST /api/users/signin', () => {
  it('when the credentials are right, then it answers 200 with the user and a session cookie', async () => {
    const { user } = await signUp(bed.app());
    const response = await request(bed.app()).post('/api/users/signin').send(credentials()).expect(200);
    expect(response.body).toEqual(user);
    expect(response.get('Set-Cookie')?.[0]).toMatch(/^session=/);
  });

  it('when the email is typed with other capitals, then the user still signs in', async () => {
    await signUp(bed.app(), 'buyer@test.dev');
    await request(bed.app()).post('/api/users/signin').send(credentials('Buyer@TEST.dev')).expect(200);
  });

  it('when the password is wrong, then it answers 400 without a cookie', async () => {
    await signUp(bed.app());
    const response = await request(bed.app())
      .post('/api/users/signin')
      .send(credentials('buyer@test.dev', 'wrong-pw'))
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ message: "That email and password don't match", code: 'INVALID_CREDENTIALS' }],
    });
    expect(response.get('Set-Cookie')).toBeUndefined();
  });

  it('when the email is unknown, then it answers the same 400', async () => {
    const response = await request(bed.app()).post('/api/users/signin').send(credentials('ghost@test.dev')).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: "That email and password don't match", code: 'INVALID_CREDENTIALS' }],
    });
  });

  it('when fields are missing or of the wrong type, then it answers 400 naming them', async () => {
    const missing = await request(bed.app()).post('/api/users/signin').send({}).expect(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
    const wrongType = await request(bed.app())
      .post('/api/users/signin')
      .send({ email: 'buyer@test.dev', password: ['a'] })
      .expect(400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('when the failed attempts exceed the limit, then it answers 429, and successful sign-ins do not count', async () => {
    const app = bed.app({ RATE_LIMIT_SIGNIN: 3 });
    await signUp(app);
    for (let i = 0; i < 5; i += 1) await request(app).post('/api/users/signin').send(credentials()).expect(200);
    for (let i = 0; i < 3; i += 1) {
      await request(app).post('/api/users/signin').send(credentials('buyer@test.dev', 'wrong')).expect(400);
    }
    const blocked = await request(app).post('/api/users/signin').send(credentials()).expect(429);
    expect(blocked.body.errors).toEqual([
      { message: 'Too many failed sign-in attempts from this address; try again in 15 minutes', code: 'RATE_LIMITED' },
    ]);
  });

  it('when the password has 129 characters, then it answers 400 PASSWORD_TOO_LONG: no account can have it', async () => {
    await signUp(bed.app());
    const response = await request(bed.app())
      .post('/api/users/signin')
      .send(credentials('buyer@test.dev', 'x'.repeat(129)))
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Password must be at most 128 characters', code: 'PASSWORD_TOO_LONG', field: 'password' }],
    });
  });

  it('when the password has spaces around it, then they are part of it, not trimmed', async () => {
    await signUp(bed.app(), 'buyer@test.dev', 'secret-pw');
    await request(bed.app()).post('/api/users/signin').send(credentials('buyer@test.dev', ' secret-pw ')).expect(400);
  });

  it('when an account was made under the earlier rules (4–20 characters, trimmed, the old hash format), then its password still signs in, with or without the spaces it was typed with', async () => {
    // What sign-up stored before passwords were kept as typed: scrypt$N$salt$key (hex) of the trimmed password.
    const salt = randomBytes(16);
    const key = scryptSync('pass', salt, 64, { N: 16384, r: 8, p: 1 });
    await bed.db.insert(users).values({
      id: randomUUID(),
      email: 'early@test.dev',
      passwordHash: `scrypt$16384$${salt.toString('hex')}$${key.toString('hex')}`,
    });

    await request(bed.app()).post('/api/users/signin').send(credentials('early@test.dev', 'pass')).expect(200);
    await request(bed.app()).post('/api/users/signin').send(credentials('early@test.dev', '  pass  ')).expect(200);
    await request(bed.app()).post('/api/users/signin').send(credentials('early@test.dev', 'pass!')).expect(400);
  });

  it('never returns the password hash', async () => {
    await signUp(bed.app());
    const response = await request(bed.app()).post('/api/users/signin').send(credentials()).expect(200);
    expect(Object.keys(response.body).sort()).toEqual(['email', 'id']);
  });
});
