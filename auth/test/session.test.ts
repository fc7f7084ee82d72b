import { createHmac, randomUUID } from 'node:crypto';
import { signSessionToken } from '@ticketing/common';
import { sessionCookie, signin } from '@ticketing/common/testing';
import request from 'supertest';
import { type AuthTestBed, createAuthTestBed, JWT_KEY, signUp } from './harness';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterEach(() => bed.truncate());
afterAll(() => bed.close());

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function currentUser(cookie: string[] = []) {
  const response = await request(bed.app()).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
  return response.body.currentUser;
}

describe('GET /api/users/currentuser', () => {
  it('when signed in, then it answers the user', async () => {
    const { user, cookie } = await signUp(bed.app());
    expect(await currentUser(cookie)).toEqual(user);
  });

  it('when signed out, then it answers null', async () => {
    expect(await currentUser()).toBeNull();
  });

  it('when the token has expired, then the visitor is treated as signed out', async () => {
    const token = signSessionToken({ id: randomUUID(), email: 'a@test.dev', sessionId: randomUUID() }, JWT_KEY, -10);
    expect(await currentUser(sessionCookie(token))).toBeNull();
  });

  it('when the token is signed with another key, then the visitor is treated as signed out', async () => {
    expect(await currentUser(signin({ jwtKey: 'some-other-key-entirely-0123456789abcdef' }))).toBeNull();
  });

  it('when the token uses alg none, then the visitor is treated as signed out', async () => {
    const now = Date.now() / 1000;
    const claims = { id: randomUUID(), email: 'x@test.dev', sid: randomUUID(), iat: now, exp: now + 60 };
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    expect(await currentUser(sessionCookie(token))).toBeNull();
  });

  it('when the payload was tampered with after signing, then the visitor is treated as signed out', async () => {
    const [header, , signature] = signSessionToken(
      { id: randomUUID(), email: 'a@test.dev', sessionId: randomUUID() },
      JWT_KEY,
      60,
    ).split('.');
    const now = Date.now() / 1000;
    const claims = { id: randomUUID(), email: 'admin@test.dev', sid: randomUUID(), iat: now, exp: now + 60 };
    const forged = `${header}.${base64url(claims)}.${signature}`;
    expect(await currentUser(sessionCookie(forged))).toBeNull();
  });

  it('when the token is validly signed but lacks the email, then the visitor is treated as signed out', async () => {
    const header = base64url({ alg: 'HS256', typ: 'JWT' });
    const now = Date.now() / 1000;
    const payload = base64url({ id: randomUUID(), sid: randomUUID(), iat: now, exp: now + 60 });
    const signature = createHmac('sha256', JWT_KEY).update(`${header}.${payload}`).digest('base64url');
    expect(await currentUser(sessionCookie(`${header}.${payload}.${signature}`))).toBeNull();
  });

  it('when the cookie is garbage, then the visitor is treated as signed out', async () => {
    expect(await currentUser(['session=%%%not-base64%%%'])).toBeNull();
  });
});

describe('POST /api/users/signout', () => {
  it('when signed in, then it answers 200 and clears the session cookie', async () => {
    const { cookie } = await signUp(bed.app());
    const response = await request(bed.app()).post('/api/users/signout').set('Cookie', cookie).expect(200);
    expect(response.body).toEqual({});
    expect(response.get('Set-Cookie')?.[0]).toMatch(/^session=;.*expires=Thu, 01 Jan 1970/i);
  });
});

describe('operations endpoints', () => {
  it('answers /livez, /readyz and /metrics', async () => {
    await request(bed.app()).get('/livez').expect(200);
    await request(bed.app()).get('/readyz').expect(200);
    await request(bed.app()).post('/api/users/signin').send({});
    const metrics = await request(bed.app()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('answers 404 with the error body for an unknown route', async () => {
    const response = await request(bed.app()).get('/api/users/nothing-here').expect(404);
    expect(response.body.errors[0]).toEqual({ message: 'Route not found', code: 'NOT_FOUND' });
  });
});
