import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Platform, ROOT, startPlatform } from './platform';

jest.setTimeout(180_000);

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  if (platform?.process.exitCode === null) await platform.stop();
});

async function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const response = await fetch(`${platform.url}${path}`, {
    ...rest,
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...(rest.headers as Record<string, string>) },
    body: json ? JSON.stringify(json) : rest.body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    cookie: response.headers.getSetCookie(),
  };
}

describe('npm start', () => {
  it('prints readiness for each part and then the one URL', () => {
    expect(platform.output()).toMatch(/✓ nats-server ready/);
    expect(platform.output()).toMatch(/✓ redis-server ready/);
    expect(platform.output()).toMatch(/✓ auth ready/);
    expect(platform.output()).toMatch(/Ticketing is up in [\d.]+ s: http:\/\/localhost:\d+/);
  });

  it('serves the auth API from the one origin: sign up, current user, sign out, sign in', async () => {
    expect(await call('/api/users/currentuser')).toMatchObject({ status: 200, body: { currentUser: null } });

    const credentials = { email: `walk-${Date.now()}@test.dev`, password: 'secret-pw' };
    const signup = await call('/api/users/signup', { method: 'POST', json: credentials });
    expect(signup.status).toBe(201);
    const cookie = signup.cookie.map((c) => c.split(';')[0]).join('; ');

    const me = await call('/api/users/currentuser', { headers: { cookie } });
    expect(me.body.currentUser).toEqual({ id: signup.body.id, email: credentials.email });

    const signout = await call('/api/users/signout', { method: 'POST', headers: { cookie } });
    expect(signout.status).toBe(200);
    expect(signout.cookie[0]).toMatch(/^session=;/);

    const signin = await call('/api/users/signin', { method: 'POST', json: credentials });
    expect(signin).toMatchObject({ status: 200, body: { id: signup.body.id } });
  });

  it('answers 404 with the usual error body for an API path nothing serves', async () => {
    const response = await call('/api/users/nothing');
    expect(response.status).toBe(404);
    expect(response.body.errors[0].message).toMatch(/not found/i);
  });

  it.each(['--full', '--read-only'])(
    'passes the smoke test the deploy workflows run after each rollout (smoke.mjs %s)',
    async (mode) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, '.github', 'scripts', 'smoke.mjs'), platform.url, mode],
        { timeout: 120_000 },
      );
      expect(stdout).toMatch(new RegExp(`smoke test of ${platform.url} passed`));
      if (mode === '--full') expect(stdout).toMatch(/✓ the order is complete/);
    },
  );

  it('when Ctrl-C is pressed, then every part stops and the launcher exits cleanly', async () => {
    expect(await platform.stop()).toBe(0);
    expect(platform.output()).toContain('Stopped.');
    await expect(fetch(`${platform.url}/api/users/currentuser`)).rejects.toThrow();
  });
});
