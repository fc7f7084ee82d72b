import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './platform';

jest.setTimeout(60_000);

interface RouteSpec {
  prefix: string;
  name: string;
  /** null: the app is still starting. */
  target: string | null;
}

/** Runs scripts/gateway.mjs in a process of its own (an ES module) and resolves with its URL. */
async function startGateway(routes: RouteSpec[]): Promise<{ url: string; port: number; child: ChildProcess }> {
  const script = `
    import { createGateway } from ${JSON.stringify(path.join(ROOT, 'scripts/gateway.mjs'))};
    const routes = ${JSON.stringify(routes)}.map((route) => ({ ...route, target: () => route.target ?? undefined }));
    const server = createGateway(routes).listen(0, '127.0.0.1', () => console.log(server.address().port));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return { url: `http://127.0.0.1:${port}`, port, child };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request with the given headers and body (sent in `chunks`, so it streams), its whole answer. */
function call(
  url: string,
  {
    method = 'GET',
    headers = {},
    chunks = [],
  }: { method?: string; headers?: Record<string, string>; chunks?: string[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => {
        body += part;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const part of chunks) req.write(part);
    req.end();
  });
}

let echo: Server;
let echoUrl: string;
let closedUrl: string;
let withClient: Awaited<ReturnType<typeof startGateway>>;
let apiOnly: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  // Answers what it received; /stream answers in three chunks; upgrades become an echo socket.
  echo = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (part: string) => {
      body += part;
    });
    req.on('end', () => {
      if (req.url === '/api/users/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one,');
        setTimeout(() => res.write('two,'), 20);
        setTimeout(() => res.end('three'), 40);
        return;
      }
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  echo.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`,
    );
    socket.on('data', (data) => socket.write(`echo:${data}`));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  // A port nothing listens on: the upstream refuses the connection.
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  probe.close();

  const api: RouteSpec[] = [
    { prefix: '/api/users', name: 'auth', target: echoUrl },
    { prefix: '/api/orders', name: 'orders', target: null },
    { prefix: '/api/payments', name: 'payments', target: closedUrl },
  ];
  apiOnly = await startGateway(api);
  withClient = await startGateway([...api, { prefix: '/', name: 'client', target: echoUrl }]);
});

afterAll(() => {
  apiOnly?.child.kill();
  withClient?.child.kill();
  echo?.closeAllConnections();
  echo?.close();
});

describe('the local gateway', () => {
  it('when a path is under a route, then the request reaches that app with its method, path, query, body and Host, and the answer comes back whole', async () => {
    const answer = await call(`${apiOnly.url}/api/users/signin?next=%2F`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'ticketing.local:3000', cookie: 'session=x' },
      chunks: ['{"email":', '"a@b.c"}'],
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['x-upstream']).toBe('echo');
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const seen = JSON.parse(answer.body);
    expect(seen).toMatchObject({ method: 'POST', url: '/api/users/signin?next=%2F', body: '{"email":"a@b.c"}' });
    expect(seen.headers).toMatchObject({
      host: 'ticketing.local:3000',
      cookie: 'session=x',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '3000',
      'x-forwarded-host': 'ticketing.local:3000',
    });
  });

  it('when the request already carries X-Forwarded-*, then the gateway appends its hop and keeps the original host', async () => {
    const answer = await call(`${apiOnly.url}/api/users/currentuser`, {
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'ticketing.example',
      },
    });
    const { headers } = JSON.parse(answer.body);
    expect(headers['x-forwarded-for']).toBe('203.0.113.9,127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('https,http');
    expect(headers['x-forwarded-host']).toBe('ticketing.example');
  });

  it('when the answer streams, then its chunks arrive as they come', async () => {
    const answer = await call(`${apiOnly.url}/api/users/stream`);
    expect(answer).toMatchObject({ status: 200, body: 'one,two,three' });
  });

  it('when no route matches, then 404 NOT_FOUND with the usual error body', async () => {
    for (const url of [`${apiOnly.url}/api/nothing`, `${apiOnly.url}/api/usersx`]) {
      const answer = await call(url);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: 'Route not found', code: 'NOT_FOUND' }] });
    }
  });

  it('when the app of a route is still starting, then 503 SERVICE_UNAVAILABLE', async () => {
    const answer = await call(`${apiOnly.url}/api/orders`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ message: 'The orders service is starting', code: 'SERVICE_UNAVAILABLE' }],
    });
  });

  it('when the app refuses the connection, then 502 BAD_GATEWAY', async () => {
    const answer = await call(`${apiOnly.url}/api/payments/payouts`);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ message: 'The payments service is unavailable', code: 'BAD_GATEWAY' }],
    });
  });

  it('when many requests follow one another, then each is answered (upstream connections are reused)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(`${apiOnly.url}/api/users/${i}`, { method: 'PUT', chunks: [`${i}`] })),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.body)).toMatchObject({ url: `/api/users/${i}`, body: `${i}` });
    });
  });

  it('when a websocket upgrade comes for the client route, then it is passed through and bytes flow both ways', async () => {
    const socket = net.connect(withClient.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'GET /_next/webpack-hmr HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (part: string) => {
      received += part;
    });
    await waitFor(() => received.includes('\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(received.toLowerCase()).toContain('x-path: /_next/webpack-hmr');
    socket.write('ping');
    await waitFor(() => received.endsWith('echo:ping'));
    socket.destroy();
  });

  it('when an upgrade comes for an API route, then the connection is closed', async () => {
    const socket = net.connect(withClient.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /api/users/ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    socket.resume();
    await once(socket, 'close');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
