import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { signin } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { sessions } from '../src/db/schema';
import { type AuthTestBed, createAuthTestBed } from './harness';

/** At least 32 bytes, as JWT_KEY must be. */
const KEY = 'auth-sign-out-test-key-of-at-least-32-bytes';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterEach(() => bed.truncate());
afterAll(() => bed.close());

const app = () => bed.app({ JWT_KEY: KEY });

async function signUp(email = `buyer-${randomUUID().slice(0, 8)}@test.dev`) {
  const response = await request(app()).post('/api/users/signup').send({ email, password: 'secret-pw' }).expect(201);
  return { user: response.body as { id: string; email: string }, email, cookie: response.get('Set-Cookie') ?? [] };
}

async function signIn(email: string) {
  const response = await request(app()).post('/api/users/signin').send({ email, password: 'secret-pw' }).expect(200);
  return response.get('Set-Cookie') ?? [];
}

async function currentUser(cookie: string[]) {
  const response = await request(app()).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
  return response.body.currentUser;
}

const signOut = (cookie: string[]) => request(app()).post('/api/users/signout').set('Cookie', cookie);
const signOutEverywhere = (cookie: string[]) =>
  request(app()).post('/api/users/signout-everywhere').set('Cookie', cookie);

describe('POST /api/users/signout', () => {
  it('when a cookie copied before sign-out is sent afterwards, then the visitor is signed out', async () => {
    const { user, cookie } = await signUp();
    const copied = [...cookie];
    expect(await currentUser(copied)).toEqual(user);

    await signOut(cookie).expect(200, {});

    expect(await currentUser(copied)).toBeNull();
  });

  it('when signed out, then the session row is revoked and one session.revoked announces it, with when its token expires', async () => {
    const { user, cookie } = await signUp();

    await signOut(cookie).expect(200);
    await signOut(cookie).expect(200, {});

    const [row] = await bed.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(row?.revokedAt).toBeInstanceOf(Date);
    const events = await bed.outboxEvents();
    expect(events.map((event) => event.subject)).toEqual([Subjects.SessionRevoked]);
    expect(events[0]?.data).toEqual({ sessionId: row?.id, userId: user.id, expiresAt: row?.expiresAt.toISOString() });
  });

  it("when one of a user's sessions signs out, then their other sessions stay signed in", async () => {
    const { user, email, cookie: laptop } = await signUp();
    const phone = await signIn(email);

    await signOut(laptop).expect(200);

    expect(await currentUser(laptop)).toBeNull();
    expect(await currentUser(phone)).toEqual(user);
  });

  it('when nobody is signed in, or the token names a session auth never opened, then it answers 200 and announces nothing', async () => {
    await request(app()).post('/api/users/signout').expect(200, {});
    await signOut(signin({ jwtKey: KEY })).expect(200, {});

    expect(await bed.outboxEvents()).toEqual([]);
  });
});

describe('GET /api/users/currentuser and sessions', () => {
  it('when the token is validly signed but names a session auth never opened, then the visitor is signed out', async () => {
    const { user } = await signUp();

    expect(await currentUser(signin({ jwtKey: KEY, id: user.id, email: user.email }))).toBeNull();
  });

  it("when the token names another user's session, then the visitor is signed out", async () => {
    const { user: victim } = await signUp();
    const { cookie } = await signUp();
    const [row] = await bed.db.select().from(sessions).where(eq(sessions.userId, victim.id));

    const forged = signin({ jwtKey: KEY, id: randomUUID(), sessionId: row?.id });

    expect(await currentUser(forged)).toBeNull();
    expect(await currentUser(cookie)).not.toBeNull();
  });
});

describe('POST /api/users/signout-everywhere', () => {
  it("when a user signs out everywhere, then both of their sessions end and another user's does not", async () => {
    const { user, email, cookie: laptop } = await signUp();
    const phone = await signIn(email);
    const { user: other, cookie: otherCookie } = await signUp();

    const response = await signOutEverywhere(phone).expect(200, {});

    expect(response.get('Set-Cookie')?.[0]).toMatch(/^session=;.*expires=Thu, 01 Jan 1970/i);
    expect(await currentUser(laptop)).toBeNull();
    expect(await currentUser(phone)).toBeNull();
    expect(await currentUser(otherCookie)).toEqual(other);
    const rows = await bed.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.map((row) => row.revokedAt)).toEqual([expect.any(Date), expect.any(Date)]);
  });

  it('when a user signs out everywhere, then one session.revoked-all says from when and until when, and a new sign-in works at once', async () => {
    const { user, email, cookie } = await signUp();
    const started = Date.now();

    await signOutEverywhere(cookie).expect(200);
    const fresh = await signIn(email);

    const events = await bed.outboxEvents();
    expect(events.map((event) => event.subject)).toEqual([Subjects.SessionsRevokedAll]);
    const data = events[0]?.data as { userId: string; before: string; expiresAt: string };
    expect(data.userId).toBe(user.id);
    expect(Date.parse(data.before)).toBeGreaterThanOrEqual(started);
    expect(Date.parse(data.expiresAt)).toBe(Date.parse(data.before) + 3600 * 1000);
    expect(await currentUser(fresh)).toEqual(user);
  });

  it('when nobody is signed in, or the session was already signed out, then it answers 401 and ends nothing', async () => {
    const { user, email, cookie } = await signUp();
    const other = await signIn(email);
    await signOut(cookie).expect(200);

    await request(app()).post('/api/users/signout-everywhere').expect(401);
    await signOutEverywhere(cookie).expect(401);
    await signOutEverywhere(signin({ jwtKey: KEY, id: user.id, email: user.email })).expect(401);

    expect(await currentUser(other)).toEqual(user);
    expect((await bed.outboxEvents()).map((event) => event.subject)).toEqual([Subjects.SessionRevoked]);
  });
});
