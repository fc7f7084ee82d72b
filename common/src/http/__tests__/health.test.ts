import request from 'supertest';
import { READINESS_TIMEOUT_MS } from '../health';
import { buildApp } from './test-app';

const noRoutes = () => {};

describe('health endpoints', () => {
  it('when /livez is probed, then it answers 200 { status: "ok" }', async () => {
    const { app } = buildApp(noRoutes);

    const res = await request(app).get('/livez');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when every readiness check passes, then /readyz answers 200 with each check ok', async () => {
    const { app } = buildApp(noRoutes, { readiness: { db: async () => 1, nats: async () => undefined } });

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { db: 'ok', nats: 'ok' } });
  });

  it('when the service has no readiness checks, then /readyz is ready', async () => {
    const { app } = buildApp(noRoutes);

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: {} });
  });

  it('when a check fails, then /readyz answers 503 naming the failing check and its error', async () => {
    const { app } = buildApp(noRoutes, {
      readiness: {
        db: async () => 'ok',
        nats: async () => {
          throw new Error('CONNECTION_REFUSED');
        },
      },
    });

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not ready', checks: { db: 'ok', nats: 'error: CONNECTION_REFUSED' } });
  });

  it('when a check throws synchronously or rejects with a non-Error, then it is reported, not a 500', async () => {
    const { app } = buildApp(noRoutes, {
      readiness: {
        redis: () => {
          throw new Error('sync failure');
        },
        stripe: () => Promise.reject('down'),
      },
    });

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ redis: 'error: sync failure', stripe: 'error: down' });
  });

  it('when a check hangs, then /readyz gives up after the timeout and answers 503', async () => {
    const { app } = buildApp(noRoutes, {
      readiness: { db: async () => 'ok', nats: () => new Promise(() => {}) },
      readinessTimeoutMs: 50,
    });

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not ready', checks: { db: 'ok', nats: 'error: timed out after 50 ms' } });
  });

  it('when no timeout is given and a check hangs, then /readyz answers 503 after the 2 s default', async () => {
    const { app } = buildApp(noRoutes, { readiness: { nats: () => new Promise(() => {}) } });
    const started = Date.now();

    const res = await request(app).get('/readyz');

    expect(READINESS_TIMEOUT_MS).toBe(2000);
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ nats: 'error: timed out after 2000 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('when a probe carries a malformed JSON body, then it still answers, because probes come before body parsing', async () => {
    const { app } = buildApp(noRoutes);

    const res = await request(app).get('/readyz').set('Content-Type', 'application/json').send('{bad');

    expect(res.status).toBe(200);
  });
});

describe('dependencies: /healthz/details and ticketing_dependency_up, never /readyz', () => {
  const natsDown = async () => {
    throw new Error('NATS is not reachable: CONNECTION_REFUSED');
  };

  it('when a dependency fails, then /readyz still answers 200 and /healthz/details answers 503 naming it', async () => {
    const { app } = buildApp(noRoutes, { readiness: { db: async () => 1 }, dependencies: { nats: natsDown } });

    const ready = await request(app).get('/readyz');
    const details = await request(app).get('/healthz/details');

    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { db: 'ok' } });
    expect(details.status).toBe(503);
    expect(details.headers['cache-control']).toBe('no-store');
    expect(details.body).toEqual({
      status: 'degraded',
      checks: { db: 'ok', nats: 'error: NATS is not reachable: CONNECTION_REFUSED' },
    });
  });

  it('when every readiness check and dependency passes, then /healthz/details answers 200 ok', async () => {
    const { app } = buildApp(noRoutes, {
      readiness: { db: async () => 1 },
      dependencies: { nats: async () => undefined },
    });

    const details = await request(app).get('/healthz/details').expect(200);

    expect(details.body).toEqual({ status: 'ok', checks: { db: 'ok', nats: 'ok' } });
  });

  it('when /metrics is scraped, then ticketing_dependency_up is 1 for each passing check and 0 for a failing one', async () => {
    const { app } = buildApp(noRoutes, { readiness: { db: async () => 1 }, dependencies: { nats: natsDown } });

    const text = (await request(app).get('/metrics').expect(200)).text;

    expect(text).toMatch(/^ticketing_dependency_up\{dependency="db",service="test-service"\} 1$/m);
    expect(text).toMatch(/^ticketing_dependency_up\{dependency="nats",service="test-service"\} 0$/m);
  });

  it('when the service has no checks at all, then /metrics has no dependency gauge', async () => {
    const { app } = buildApp(noRoutes);

    const text = (await request(app).get('/metrics').expect(200)).text;

    expect(text).not.toContain('ticketing_dependency_up');
  });
});
