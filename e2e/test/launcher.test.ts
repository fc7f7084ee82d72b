import { execFile } from 'node:child_process';
import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { redisCommand, testPostgresServer } from '@ticketing/common/testing';
import { Client } from 'pg';
import { type Platform, ROOT, startPlatform } from './platform';

jest.setTimeout(180_000);

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  if (platform?.process.exitCode === null) await platform.stop();
});

/** The local addresses that listen on TCP `port` on this machine (Linux: /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [hex, portHex] = local.split(':') as [string, string];
      if (Number.parseInt(portHex, 16) !== port) continue;
      addresses.push(hex.length === 8 ? ipv4(hex) : hex === '0'.repeat(32) ? '::' : `ipv6:${hex}`);
    }
  }
  return addresses;
}

/** /proc/net/tcp writes an IPv4 address as little-endian hex. */
const ipv4 = (hex: string) => [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');

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
    expect(platform.output()).toMatch(
      /✓ postgres ready on 127\.0\.0\.1:\d+ \([\d.]+ s\): postgres:\/\/postgres:\S+\/<service>/,
    );
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

  it('keeps each service’s data in a database of its own on the PostgreSQL server it started under the data directory', async () => {
    const credentials = { email: `own-db-${Date.now()}@test.dev`, password: 'secret-pw' };
    expect((await call('/api/users/signup', { method: 'POST', json: credentials })).status).toBe(201);

    expect(existsSync(path.join(platform.dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    const auth = new Client({ connectionString: platform.databaseUrl('auth') });
    await auth.connect();
    try {
      const { rows } = await auth.query('select email from users where email = $1', [credentials.email]);
      expect(rows).toEqual([{ email: credentials.email }]);
      const { rows: tables } = await auth.query("select tablename from pg_tables where tablename = 'orders'");
      expect(tables).toEqual([]); // orders' tables live in orders' database
    } finally {
      await auth.end();
    }
  });

  it('runs redis-server at hz 100, so an expiry timer is not held to the default 100 ms tick', async () => {
    const port = /✓ redis-server ready on 127\.0\.0\.1:(\d+)/.exec(platform.output())?.[1];

    expect(await redisCommand(Number(port), 'CONFIG GET hz')).toMatch(/^\*2\r\n\$2\r\nhz\r\n\$3\r\n100$/);
  });

  it('listens on 127.0.0.1 only: the gateway and every service', () => {
    const ports = { gateway: Number(new URL(platform.url).port) } as Record<string, number>;
    for (const service of ['auth', 'tickets', 'orders', 'payments', 'passes', 'expiration']) {
      const log = readFileSync(path.join(platform.dataDir, 'logs', `${service}.log`), 'utf8');
      const listening = log.split('\n').find((line) => line.includes(`"${service} listening"`));
      ports[service] = (JSON.parse(listening ?? '{}') as { port: number }).port;
    }
    const addresses = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, listeningAddresses(port)]));
    expect(addresses).toEqual(Object.fromEntries(Object.keys(ports).map((name) => [name, ['127.0.0.1']])));
  });

  it('every app keeps an idle connection open longer than the gateway does (30 s), so the gateway never reuses one the app is closing', async () => {
    const clientLog = readFileSync(path.join(platform.dataDir, 'logs', 'client.log'), 'utf8');
    const ports: Record<string, number> = {
      client: Number(/Local:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(clientLog)?.[1]),
    };
    for (const service of ['auth', 'tickets', 'orders', 'payments', 'passes', 'expiration']) {
      const log = readFileSync(path.join(platform.dataDir, 'logs', `${service}.log`), 'utf8');
      const listening = log.split('\n').find((line) => line.includes(`"${service} listening"`));
      ports[service] = (JSON.parse(listening ?? '{}') as { port: number }).port;
    }
    // Node's server states its idle timeout in each keep-alive answer: `Keep-Alive: timeout=<s>`.
    const idleSeconds = async (port: number) => {
      const response = await fetch(`http://127.0.0.1:${port}/livez`);
      await response.arrayBuffer();
      return Number(/timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1]);
    };
    const timeouts = Object.fromEntries(
      await Promise.all(Object.entries(ports).map(async ([name, port]) => [name, await idleSeconds(port)] as const)),
    );
    for (const [name, seconds] of Object.entries(timeouts))
      expect({ name, longerThanGateway: seconds > 30 }).toEqual({ name, longerThanGateway: true });
  });

  it('signs passes with the key it made once in the data directory, and publishes it at /api/passes/keys', async () => {
    const pem = readFileSync(path.join(platform.dataDir, 'pass-signing-key.pem'), 'utf8');
    const { x } = createPublicKey(pem).export({ format: 'jwk' });
    const kid = createHash('sha256')
      .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
      .digest('base64url');
    const keys = await call('/api/passes/keys');
    expect(keys).toMatchObject({ status: 200, body: { keys: [{ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA' }] } });
    expect((await call('/api/passes')).status).toBe(401);
  });

  it('issues the buyer of a paid order a signed pass through the events, on the platform npm start runs', async () => {
    const run = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const signUp = async (who: string) => {
      const response = await call('/api/users/signup', {
        method: 'POST',
        json: { email: `pass-${who}-${run}@test.dev`, password: 'secret-pw' },
      });
      expect(response.status).toBe(201);
      return { id: response.body.id as string, cookie: response.cookie.map((c) => c.split(';')[0]).join('; ') };
    };
    const eventually = async <T>(what: () => Promise<T | undefined>): Promise<T> => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        const value = await what();
        if (value !== undefined) return value;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('timed out');
    };
    const seller = await signUp('seller');
    const buyer = await signUp('buyer');
    const ticket = await call('/api/tickets', {
      method: 'POST',
      headers: { cookie: seller.cookie },
      json: { title: `Pass ${run}`, price: 12.5 },
    });
    expect(ticket.status).toBe(201);
    const order = await eventually(async () => {
      const response = await call('/api/orders', {
        method: 'POST',
        headers: { cookie: buyer.cookie },
        json: { ticketId: ticket.body.id },
      });
      return response.status === 201 ? response.body : undefined;
    });
    await eventually(async () => {
      const response = await call('/api/payments', {
        method: 'POST',
        headers: { cookie: buyer.cookie },
        json: { orderId: order.id, token: 'tok_visa' },
      });
      return response.status === 201 || response.status === 202 ? true : undefined;
    });

    const pass = await eventually(async () => {
      const response = await call('/api/passes', { headers: { cookie: buyer.cookie } });
      return response.body?.passes?.find((candidate: { orderId: string }) => candidate.orderId === order.id);
    });
    expect(pass).toMatchObject({ ticketId: ticket.body.id, holderId: buyer.id, generation: 1, status: 'valid' });
    const [header, payload, signature] = (pass.code as string).split('.') as [string, string, string];
    const { keys } = (await call('/api/passes/keys')).body as { keys: JsonWebKey[] };
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const jwk = keys.find((key) => key.kid === kid);
    expect(jwk).toBeDefined();
    const verified = verify(
      null,
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk!, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    );
    expect(verified).toBe(true);
  });

  it('answers 404 with the usual error body for an API path nothing serves', async () => {
    const response = await call('/api/users/nothing');
    expect(response.status).toBe(404);
    expect(response.body.errors[0].message).toMatch(/not found/i);
  });

  it('runs nats-server with a user per service: an anonymous client is refused, `npm run events` finds the server and its operator user', async () => {
    const natsUrl = /nats-server ready on (127\.0\.0\.1:\d+)/.exec(platform.output())?.[1];
    await expect(connect({ servers: `nats://${natsUrl}`, reconnect: false })).rejects.toThrow(/Authorization/i);

    const { stdout } = await promisify(execFile)('npm', ['run', 'events', '--silent', '--', 'status', '--json'], {
      cwd: ROOT,
      env: { ...process.env, NATS_URL: '', NATS_USER: '', TICKETING_DATA_DIR: platform.dataDir },
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as { server: string; consumers: { durable: string }[] };
    expect(report.server).toBe(`nats://${natsUrl}`);
    expect(report.consumers.map((consumer) => consumer.durable)).toContain('orders-ticket-created');
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

describe('npm start with DATABASE_URL', () => {
  const server = testPostgresServer();
  let external: Platform;
  let serverUrl: string;

  beforeAll(async () => {
    serverUrl = await server.createDatabase();
    external = await startPlatform({ DATABASE_URL: serverUrl });
  });

  afterAll(async () => {
    if (external?.process.exitCode === null) await external.stop();
    const base = new URL(serverUrl).pathname.slice(1);
    for (const service of ['auth', 'tickets', 'orders', 'payments', 'passes']) {
      await server.dropDatabase(serverUrl.replace(/\/[^/]+$/, `/${base}_${service}`));
    }
    await server.dropDatabase(serverUrl);
  });

  it('when DATABASE_URL names a server, then no PostgreSQL is started and each service gets <name>_<service> on that server', async () => {
    const base = new URL(serverUrl).pathname.slice(1);
    expect(external.output()).toContain(
      `✓ postgres at 127.0.0.1:${new URL(serverUrl).port} (DATABASE_URL): databases ${base}_auth, ${base}_tickets, ${base}_orders, ${base}_payments, ${base}_passes`,
    );
    expect(existsSync(path.join(external.dataDir, 'postgres'))).toBe(false);

    const credentials = { email: `external-${Date.now()}@test.dev`, password: 'secret-pw' };
    const signup = await fetch(`${external.url}/api/users/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(signup.status).toBe(201);
    const auth = new Client({ connectionString: serverUrl.replace(/\/[^/]+$/, `/${base}_auth`) });
    await auth.connect();
    try {
      const { rows } = await auth.query('select email from users');
      expect(rows).toEqual([{ email: credentials.email }]);
    } finally {
      await auth.end();
    }
  });
});

describe('the launcher’s readiness wait', () => {
  /** Runs `body` as an ES module beside scripts/lib/processes.mjs and returns what it printed. */
  async function runWithProcesses(body: string): Promise<string> {
    const script = `import { answers200, waitUntil } from ${JSON.stringify(path.join(ROOT, 'scripts/lib/processes.mjs'))};\nimport { createServer } from 'node:http';\n${body}`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    return stdout.trim();
  }

  it('when a part accepts connections but never answers, then the wait still ends at its deadline and says so', async () => {
    const printed = await runWithProcesses(`
      const server = createServer(() => {}).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const url = 'http://127.0.0.1:' + server.address().port + '/readyz';
      const started = Date.now();
      const error = await waitUntil(() => answers200(url, 500), { what: 'client', timeoutMs: 1500 }).catch((e) => e);
      console.log(JSON.stringify({ message: error.message, ms: Date.now() - started }));
      server.closeAllConnections();
      server.close();
    `);
    const { message, ms } = JSON.parse(printed);
    expect(message).toMatch(
      /^client was not ready within 1\.5 s \(http:\/\/127\.0\.0\.1:\d+\/readyz did not answer within 500 ms\)$/,
    );
    expect(ms).toBeLessThan(10_000);
  });

  it('when a check never settles at all, then the wait gives up at its deadline instead of waiting on it', async () => {
    const printed = await runWithProcesses(`
      const error = await waitUntil(() => new Promise(() => {}), { what: 'client', timeoutMs: 300 }).catch((e) => e);
      console.log(error.message);
    `);
    expect(printed).toBe('client was not ready within 0.3 s (the last check never finished)');
  });

  it('when a part answers 503 and then 200, then the wait ends on the 200', async () => {
    const printed = await runWithProcesses(`
      let calls = 0;
      const server = createServer((request, response) => {
        response.statusCode = ++calls < 3 ? 503 : 200;
        response.end();
      }).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      await waitUntil(() => answers200('http://127.0.0.1:' + server.address().port + '/readyz'), { what: 'auth', timeoutMs: 5000 });
      console.log(calls);
      server.close();
    `);
    expect(printed).toBe('3');
  });
});
