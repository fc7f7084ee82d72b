import express from 'express';
import request from 'supertest';
import { httpLogger, requestContext, resolveRequestId } from '../request-context';
import { buildApp, capturedLogger } from './test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function appEchoingId() {
  return buildApp((app) => app.get('/id', (req, res) => res.json({ id: req.id })));
}

describe('request context', () => {
  it('when the caller sends no x-request-id, then a UUID is generated, set on req.id and echoed', async () => {
    const { app } = appEchoingId();

    const res = await request(app).get('/id');

    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.id).toBe(res.headers['x-request-id']);
  });

  it('when the caller sends a sane x-request-id, then it is kept and echoed', async () => {
    const { app } = appEchoingId();

    const res = await request(app).get('/id').set('x-request-id', 'ingress.abc_123-XYZ');

    expect(res.headers['x-request-id']).toBe('ingress.abc_123-XYZ');
    expect(res.body.id).toBe('ingress.abc_123-XYZ');
  });

  it.each([
    ['characters outside [A-Za-z0-9._-]', 'abc<script>alert(1)</script>'],
    ['spaces', 'two words'],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('when the incoming x-request-id has %s, then it is replaced by a UUID', async (_case, badId) => {
    const { app } = appEchoingId();

    const res = await request(app).get('/id').set('x-request-id', badId);

    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.id).toBe(res.headers['x-request-id']);
  });

  it('when the id is exactly 128 sane characters, then it is kept', () => {
    const id = 'a'.repeat(128);
    expect(resolveRequestId(id)).toBe(id);
  });

  it('when the header is repeated (an array), then a UUID is generated', () => {
    expect(resolveRequestId(['a', 'b'])).toMatch(UUID);
  });

  it('when a request succeeds, then its line is logged at debug with the request id, method, url, status and time', async () => {
    const { logger, lines } = capturedLogger('debug');
    const app = express();
    app.use(httpLogger(logger));
    app.get('/id', (req, res) => res.json({ id: req.id }));

    await request(app).get('/id?x=1').set('x-request-id', 'req-7');

    const completed = lines.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({
      level: 20,
      req: { id: 'req-7', method: 'GET', url: '/id?x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('when a request succeeds at the default level (info), then nothing is logged for it', async () => {
    const { app, lines } = appEchoingId();

    const res = await request(app).get('/id');

    expect(res.status).toBe(200);
    expect(lines).toEqual([]);
  });

  it('when a request ends in a 4xx, then its line is logged at warn level', async () => {
    const { app, lines } = appEchoingId();

    await request(app).get('/missing');

    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ level: 40 });
  });

  it('when a request ends in a 5xx, then its completion line is logged at error level', async () => {
    const { app, lines } = buildApp((app) => {
      app.get('/boom', () => {
        throw new Error('boom');
      });
    });

    await request(app).get('/boom');

    expect(lines.some((line) => line.msg === 'request errored' && line.level === 50)).toBe(true);
  });

  it('when the client goes away before the answer, then the request is logged as aborted at warn', async () => {
    const { app, lines } = buildApp((app) => {
      app.get('/slow', (_req, res) => {
        setTimeout(() => res.json({ late: true }), 300);
      });
    });

    await expect(request(app).get('/slow').timeout(50)).rejects.toThrow();
    for (let waited = 0; waited < 2_000 && lines.length === 0; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(lines.find((line) => line.msg === 'request aborted')).toMatchObject({
      level: 40,
      req: { method: 'GET', url: '/slow' },
    });
  });

  it.each(['/livez', '/readyz', '/metrics', '/livez?probe=1'])(
    'when %s is probed, then no request line is logged',
    async (path) => {
      const { app, lines } = appEchoingId();

      const res = await request(app).get(path);

      expect(res.status).toBe(200);
      expect(lines).toEqual([]);
    },
  );

  it('when httpLogger runs without requestContext, then it still resolves, sets and echoes the id', async () => {
    const { logger } = capturedLogger();
    const app = express();
    app.use(httpLogger(logger));
    app.get('/id', (req, res) => res.json({ id: req.id }));

    const res = await request(app).get('/id').set('x-request-id', 'from-logger');

    expect(res.headers['x-request-id']).toBe('from-logger');
    expect(res.body.id).toBe('from-logger');
  });

  it('when requestContext runs alone, then req.id and the header are set', async () => {
    const app = express();
    app.use(requestContext());
    app.get('/id', (req, res) => res.json({ id: req.id }));

    const res = await request(app).get('/id');

    expect(res.body.id).toMatch(UUID);
    expect(res.headers['x-request-id']).toBe(res.body.id);
  });
});
