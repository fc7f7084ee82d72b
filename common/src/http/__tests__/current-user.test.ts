import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { sessionCookie, signin } from '../../testing/signin';
import {
  currentUser,
  type SessionClaims,
  sessionCookieToken,
  signSessionToken,
  verifySession,
  verifySessionToken,
} from '../current-user';
import { requireAuth } from '../require-auth';
import { buildApp, JWT_KEY } from './test-app';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Whether the apps under test install cookie-session, as auth does, or only read the cookie, as the others. */
let writesSession = false;

function whoAmIApp(isSessionRevoked?: (session: SessionClaims) => boolean, writes = writesSession) {
  return buildApp(
    (app) => {
      app.get('/whoami', (req, res) => res.json({ currentUser: req.currentUser ?? null }));
      app.get('/private', requireAuth, (req, res) => res.json({ id: req.currentUser?.id }));
      app.post('/login', (req, res) => {
        req.session = {
          jwt: signSessionToken({ id: req.body.id, email: req.body.email, sessionId: randomUUID() }, JWT_KEY),
        };
        res.status(204).end();
      });
    },
    { jwtKey: JWT_KEY, isSessionRevoked, writesSession: writes },
  );
}

async function whoAmI(cookie: string[] | undefined): Promise<unknown> {
  const { app } = whoAmIApp();
  const req = request(app).get('/whoami');
  const res = await (cookie ? req.set('Cookie', cookie) : req);
  expect(res.status).toBe(200);
  return res.body.currentUser;
}

describe.each([
  ['in a service that only reads the session cookie', false],
  ['in auth, which writes it with cookie-session', true],
])('currentUser %s', (_mode, writes) => {
  beforeAll(() => {
    writesSession = writes;
  });

  it('when the session holds a valid token, then req.currentUser is exactly { id, email }', async () => {
    const id = randomUUID();

    const user = await whoAmI(signin({ jwtKey: JWT_KEY, id, email: 'buyer@test.dev' }));

    expect(user).toEqual({ id, email: 'buyer@test.dev' });
  });

  it('when signin is called without id or email, then it makes up a fresh user with a test email', async () => {
    const user = (await whoAmI(signin({ jwtKey: JWT_KEY }))) as { id: string; email: string };

    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.email).toBe(`user-${user.id.slice(0, 8)}@test.dev`);
  });

  it('when there is no cookie, then currentUser is null', async () => {
    expect(await whoAmI(undefined)).toBeNull();
  });

  it('when the token has expired, then currentUser is null', async () => {
    expect(await whoAmI(signin({ jwtKey: JWT_KEY, expiresIn: -60 }))).toBeNull();
  });

  it('when the token is signed with another key, then currentUser is null', async () => {
    expect(await whoAmI(signin({ jwtKey: 'someone-elses-key-0123456789abcdef' }))).toBeNull();
  });

  it('when the token is unsigned (alg none), then currentUser is null', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { id: randomUUID(), email: 'mallory@test.dev', sid: randomUUID(), iat: now, exp: now + 60 };
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;

    expect(await whoAmI(sessionCookie(unsigned))).toBeNull();
  });

  it('when the token uses another HMAC algorithm with the right key, then currentUser is null', async () => {
    const token = jwt.sign({ id: randomUUID(), email: 'a@test.dev', sid: randomUUID() }, JWT_KEY, {
      algorithm: 'HS512',
      expiresIn: 60,
    });

    expect(await whoAmI(sessionCookie(token))).toBeNull();
  });

  it('when the session cookie is garbage, then currentUser is null and the request still succeeds', async () => {
    expect(await whoAmI(['session=%%%not-base64-json'])).toBeNull();
  });

  it('when the session holds a jwt that is not a string, then currentUser is null', async () => {
    const cookie = `session=${Buffer.from(JSON.stringify({ jwt: { id: randomUUID() } })).toString('base64')}`;

    expect(await whoAmI([cookie])).toBeNull();
  });

  it('when the payload has no email, then currentUser is null', async () => {
    const token = jwt.sign({ id: randomUUID(), sid: randomUUID() }, JWT_KEY, { algorithm: 'HS256', expiresIn: 60 });

    expect(await whoAmI(sessionCookie(token))).toBeNull();
  });

  it('when the payload id is not a UUID, then currentUser is null', async () => {
    const token = jwt.sign({ id: '1 OR 1=1', email: 'a@test.dev', sid: randomUUID() }, JWT_KEY, {
      algorithm: 'HS256',
      expiresIn: 60,
    });

    expect(await whoAmI(sessionCookie(token))).toBeNull();
  });

  it('when a route sets the session, then cookie-session writes exactly what sessionCookie builds', async () => {
    const { app } = whoAmIApp(undefined, true);
    const id = randomUUID();

    const res = await request(app).post('/login').send({ id, email: 'me@test.dev' });

    const setCookie = (res.headers['set-cookie'] as unknown as string[])[0] ?? '';
    const value = setCookie.split(';')[0] ?? '';
    const jwtInside = JSON.parse(Buffer.from(value.replace('session=', ''), 'base64').toString()).jwt as string;
    expect(value).toBe(sessionCookie(jwtInside)[0]);
    expect(setCookie.toLowerCase()).toContain('httponly');
    expect(setCookie.toLowerCase()).toContain('samesite=lax');
    expect(setCookie.toLowerCase()).not.toContain('secure');
    expect(await whoAmI([value])).toEqual({ id, email: 'me@test.dev' });
  });

  it('when secureCookies is on behind a TLS proxy, then the session cookie is marked secure', async () => {
    const { app } = buildApp(
      (app) =>
        app.post('/login', (req, res) => {
          req.session = { jwt: 'x' };
          res.status(204).end();
        }),
      { jwtKey: JWT_KEY, writesSession: true, secureCookies: true },
    );

    const res = await request(app).post('/login').set('X-Forwarded-Proto', 'https');

    expect(String(res.headers['set-cookie']).toLowerCase()).toContain('secure');
  });

  it('when the app has no jwtKey, then no session or user is installed even with a valid cookie', async () => {
    const { app } = buildApp((app) =>
      app.get('/whoami', (req, res) =>
        res.json({ hasSession: req.session !== undefined, user: req.currentUser ?? null }),
      ),
    );

    const res = await request(app)
      .get('/whoami')
      .set('Cookie', signin({ jwtKey: JWT_KEY }));

    expect(res.body).toEqual({ hasSession: false, user: null });
  });

  it('when currentUser is built with an empty key, then it refuses at start-up', () => {
    expect(() => currentUser('')).toThrow('currentUser needs a non-empty JWT key');
  });

  it('when a signed token is verified with the same key, then it names the user and expires', () => {
    const user = { id: randomUUID(), email: 'u@test.dev' };
    const token = signSessionToken({ ...user, sessionId: randomUUID() }, JWT_KEY, 60);

    expect(verifySessionToken(token, JWT_KEY)).toEqual(user);
    expect(jwt.decode(token)).toMatchObject({ exp: expect.any(Number) });
    expect(verifySessionToken('', JWT_KEY)).toBeUndefined();
  });

  it('when a token is signed, then it carries its session id and its issue time to the millisecond', () => {
    const user = { id: randomUUID(), email: 'u@test.dev' };
    const sessionId = randomUUID();
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 987);

    const session = verifySession(signSessionToken({ ...user, sessionId }, JWT_KEY, '1d', issuedAt), JWT_KEY);

    expect(session).toEqual({
      user,
      sessionId,
      issuedAt: issuedAt.getTime(),
      // jsonwebtoken rounds `exp` down to the second.
      expiresAt: Math.floor(issuedAt.getTime() / 1000) * 1000 + 86_400_000,
    });
  });

  it('when a hand-made token has every claim and the right key and algorithm, then it is accepted (the control for the forgeries above)', async () => {
    const id = randomUUID();
    const token = jwt.sign({ id, email: 'a@test.dev', sid: randomUUID() }, JWT_KEY, {
      algorithm: 'HS256',
      expiresIn: 60,
    });

    expect(await whoAmI(sessionCookie(token))).toEqual({ id, email: 'a@test.dev' });
  });

  it('when the token has no session id (signed before sessions could be revoked), then currentUser is null', async () => {
    const token = jwt.sign({ id: randomUUID(), email: 'old@test.dev' }, JWT_KEY, { algorithm: 'HS256', expiresIn: 60 });

    expect(await whoAmI(sessionCookie(token))).toBeNull();
  });

  it('when the session id is not a UUID, then currentUser is null', async () => {
    const token = jwt.sign({ id: randomUUID(), email: 'a@test.dev', sid: 'x' }, JWT_KEY, {
      algorithm: 'HS256',
      expiresIn: 60,
    });

    expect(await whoAmI(sessionCookie(token))).toBeNull();
  });

  it('when the revocation check refuses the session, then the request runs signed out and requireAuth answers 401', async () => {
    const revoked = randomUUID();
    const checked: SessionClaims[] = [];
    const { app } = whoAmIApp((session) => {
      checked.push(session);
      return session.sessionId === revoked;
    });
    const id = randomUUID();

    const refused = await request(app)
      .get('/private')
      .set('Cookie', signin({ jwtKey: JWT_KEY, id, sessionId: revoked }));
    const other = await request(app)
      .get('/private')
      .set('Cookie', signin({ jwtKey: JWT_KEY, id }));
    const whoami = await request(app)
      .get('/whoami')
      .set('Cookie', signin({ jwtKey: JWT_KEY, id, sessionId: revoked }));

    expect(refused.status).toBe(401);
    expect(other.status).toBe(200);
    expect(whoami.body).toEqual({ currentUser: null });
    expect(checked[0]).toMatchObject({ user: { id }, sessionId: revoked });
  });
});

describe('sessionCookieToken', () => {
  const cookie = (session: unknown) => `session=${Buffer.from(JSON.stringify(session)).toString('base64')}`;

  it('when the session cookie holds a jwt, then it is read among other cookies, quoted or not', () => {
    expect(sessionCookieToken(cookie({ jwt: 'a.b.c' }))).toBe('a.b.c');
    expect(sessionCookieToken(`theme=dark; ${cookie({ jwt: 'a.b.c' })}; lang=en`)).toBe('a.b.c');
    expect(sessionCookieToken(`${cookie({ jwt: 'a.b.c' }).replace('=', '="')}"`)).toBe('a.b.c');
  });

  it('when there is no session cookie, a similarly named one, garbage or no string jwt, then there is no token', () => {
    expect(sessionCookieToken(undefined)).toBeUndefined();
    expect(sessionCookieToken('')).toBeUndefined();
    expect(sessionCookieToken(`x${cookie({ jwt: 'a.b.c' })}`)).toBeUndefined();
    expect(sessionCookieToken('session=%%%not-base64')).toBeUndefined();
    expect(sessionCookieToken('session=')).toBeUndefined();
    expect(sessionCookieToken(cookie(null))).toBeUndefined();
    expect(sessionCookieToken(cookie({ jwt: 42 }))).toBeUndefined();
  });

  it('when the cookie comes from cookie-session, then it reads what cookie-session reads (first session cookie wins)', () => {
    const first = cookie({ jwt: 'first' });
    expect(sessionCookieToken(`${first}; ${cookie({ jwt: 'second' })}`)).toBe('first');
  });
});

describe('requireAuth', () => {
  it('when nobody is signed in, then the answer is 401 Not authorized', async () => {
    const { app } = whoAmIApp();

    const res = await request(app).get('/private');

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }] });
  });

  it('when the token is forged, then the answer is 401', async () => {
    const { app } = whoAmIApp();

    const res = await request(app)
      .get('/private')
      .set('Cookie', signin({ jwtKey: 'forged-key-0123456789abcdef0123456789' }));

    expect(res.status).toBe(401);
  });

  it('when a user is signed in, then the route runs', async () => {
    const { app } = whoAmIApp();
    const id = randomUUID();

    const res = await request(app)
      .get('/private')
      .set('Cookie', signin({ jwtKey: JWT_KEY, id }));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id });
  });
});
