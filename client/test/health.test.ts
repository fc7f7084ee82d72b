/** @jest-environment node */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GET as details } from '@/app/healthz/details/route';
import { GET as readyz } from '@/app/readyz/route';
import { startMetricsServer } from '@/lib/metrics-server';

/** A stand-in for the auth service behind API_URL. */
function startAuth(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const found = request.url === '/api/users/currentuser';
    response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(found ? { currentUser: null } : { errors: [] }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const close = (server: http.Server) => new Promise((resolve) => server.close(resolve));
const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

let auth: http.Server;
let errorLog: jest.SpyInstance;
beforeEach(async () => {
  errorLog = jest.spyOn(console, 'error').mockImplementation(() => {});
  auth = await startAuth();
  process.env.API_URL = `http://127.0.0.1:${portOf(auth)}`;
});
afterEach(async () => {
  errorLog.mockRestore();
  if (auth.listening) await close(auth);
  delete process.env.API_URL;
});

describe('client health', () => {
  it('when auth answers, then /readyz and /healthz/details answer 200', async () => {
    expect((await readyz()).status).toBe(200);
    const response = await details();
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ok', checks: { api: 'ok' } });
  });

  it('when auth is stopped, then /readyz still answers 200 (the pages stay served) and /healthz/details answers 503', async () => {
    await close(auth);

    const ready = readyz();
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({ status: 'ready' });
    expect(ready.headers.get('cache-control')).toBe('no-store');
    const response = await details();
    expect(response.status).toBe(503);
    await expect(response.json()).resolves.toEqual({
      status: 'degraded',
      checks: { api: 'error: the API is unreachable' },
    });
    // The address goes to the log only.
    expect(String(errorLog.mock.calls[0]?.[0])).toMatch(/unreachable/);
  });

  it('when the API answers an error, then /healthz/details names the status', async () => {
    process.env.API_URL = `http://127.0.0.1:${portOf(auth)}/elsewhere`;
    const response = await details();
    expect(response.status).toBe(503);
    await expect(response.json()).resolves.toEqual({
      status: 'degraded',
      checks: { api: 'error: the API answered 404' },
    });
  });

  it('when scraped on its metrics port, then /metrics has the process metrics and whether the API is up; other paths are 404', async () => {
    const metrics = await startMetricsServer(0);
    try {
      const base = `http://127.0.0.1:${portOf(metrics)}`;
      let text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/^ticketing_dependency_up\{dependency="api",service="client"\} 1$/m);
      expect(text).toContain('process_cpu_seconds_total');
      await close(auth);
      text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/^ticketing_dependency_up\{dependency="api",service="client"\} 0$/m);
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await close(metrics);
    }
  });
});
