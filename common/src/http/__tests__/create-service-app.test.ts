import express from 'express';
import request from 'supertest';
import { inOneLayer } from '../create-service-app';
import { buildApp } from './test-app';

describe('createServiceApp', () => {
  it.each(['get', 'post', 'put', 'delete', 'patch'] as const)(
    'when %s hits an unknown route, then the answer is 404 with the error body',
    async (method) => {
      const { app } = buildApp(() => {});

      const res = await request(app)[method]('/api/nothing/here');

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: [{ message: 'Route not found', code: 'NOT_FOUND' }] });
    },
  );

  it('when a path is in rawBodyPaths, then its body reaches the route as the exact bytes in a Buffer', async () => {
    const payload = '{"id":"evt_1",  "type":"payment_intent.succeeded"}';
    const { app } = buildApp(
      (app) =>
        app.post('/api/payments/webhook', (req, res) =>
          res.json({
            isBuffer: Buffer.isBuffer(req.body),
            text: Buffer.isBuffer(req.body) ? req.body.toString() : null,
          }),
        ),
      { rawBodyPaths: ['/api/payments/webhook'] },
    );

    const res = await request(app)
      .post('/api/payments/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', 't=1,v1=abc')
      .send(payload);

    expect(res.body).toEqual({ isBuffer: true, text: payload });
  });

  it('when a path lies below one in rawBodyPaths, whatever its case, then its body stays raw too', async () => {
    const { app } = buildApp(
      (app) =>
        app.post('/api/payments/webhook/connect', (req, res) => res.json({ isBuffer: Buffer.isBuffer(req.body) })),
      { rawBodyPaths: ['/api/payments/webhook'] },
    );

    const res = await request(app)
      .post('/API/Payments/webhook/connect')
      .set('Content-Type', 'application/json')
      .send('{"id":"evt_2"}');

    expect(res.body).toEqual({ isBuffer: true });
  });

  it('when a path is not in rawBodyPaths, then a JSON body is parsed as usual', async () => {
    const { app } = buildApp((app) => app.post('/api/payments', (req, res) => res.json({ body: req.body })), {
      rawBodyPaths: ['/api/payments/webhook'],
    });

    const res = await request(app).post('/api/payments').send({ orderId: 'o1' });

    expect(res.body).toEqual({ body: { orderId: 'o1' } });
  });

  it('when the content type is not JSON, then the body is left unparsed', async () => {
    const { app } = buildApp((app) => app.post('/echo', (req, res) => res.json({ type: typeof req.body })));

    const res = await request(app).post('/echo').set('Content-Type', 'text/plain').send('{"a":1}');

    expect(res.body).toEqual({ type: 'undefined' });
  });

  it('when any response is sent, then helmet headers are set and x-powered-by is not', async () => {
    const { app } = buildApp(() => {});

    const res = await request(app).get('/livez');

    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('when the request comes through a proxy, then the client address is taken from X-Forwarded-For', async () => {
    const { app } = buildApp((app) => app.get('/ip', (req, res) => res.json({ ip: req.ip, protocol: req.protocol })));

    const res = await request(app).get('/ip').set('X-Forwarded-For', '203.0.113.7').set('X-Forwarded-Proto', 'https');

    expect(res.body).toEqual({ ip: '203.0.113.7', protocol: 'https' });
  });

  it.each(['/livez', '/LIVEZ', '/livez/', '/livez?probe=1', '/metrics', '/healthz/details'])(
    'when a probe is asked for as Express would match it (%s), then it answers before the routes',
    async (path) => {
      const { app } = buildApp((app) => app.get('/:anything', (_req, res) => res.status(418).end()));

      const res = await request(app).get(path);

      expect(res.status).toBe(200);
    },
  );

  it('when a route shares a probe path only as a prefix, then the route answers', async () => {
    const { app } = buildApp((app) => app.get('/livez/extra', (_req, res) => res.json({ route: true })));

    const res = await request(app).get('/livez/extra');

    expect(res.body).toEqual({ route: true });
  });

  it('when the app is built, then its metrics are reachable on app.locals', () => {
    const { app } = buildApp(() => {});

    expect(app.locals.metrics.httpDuration).toBeDefined();
  });
});

describe('inOneLayer', () => {
  const appWith = (...handlers: express.RequestHandler[]) => {
    const app = express();
    const seen: string[] = [];
    app.use(
      inOneLayer(
        ...handlers.map(
          (handler, i): express.RequestHandler =>
            (req, res, next) => {
              seen.push(`h${i}`);
              handler(req, res, next);
            },
        ),
      ),
    );
    app.get('/', (_req, res) => res.json(seen));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: error.message, seen });
    });
    return app;
  };
  const pass: express.RequestHandler = (_req, _res, next) => next();

  it('when every middleware calls next, then they run in order and the route after them', async () => {
    const res = await request(appWith(pass, pass, pass)).get('/');

    expect(res.body).toEqual(['h0', 'h1', 'h2']);
  });

  it('when a middleware passes an error or throws, then the rest are skipped and the error handler answers', async () => {
    const fails: express.RequestHandler = (_req, _res, next) => next(new Error('refused'));
    const throws: express.RequestHandler = () => {
      throw new Error('thrown');
    };

    expect((await request(appWith(pass, fails, pass)).get('/')).body).toEqual({ error: 'refused', seen: ['h0', 'h1'] });
    expect((await request(appWith(throws, pass)).get('/')).body).toEqual({ error: 'thrown', seen: ['h0'] });
  });

  it('when a middleware calls next later, as a body parser does, then the next one waits for it', async () => {
    const later: express.RequestHandler = (_req, _res, next) => {
      setTimeout(next, 5);
    };
    const laterFails: express.RequestHandler = (_req, _res, next) => {
      setTimeout(() => next(new Error('late refusal')), 5);
    };

    expect((await request(appWith(pass, later, pass)).get('/')).body).toEqual(['h0', 'h1', 'h2']);
    expect((await request(appWith(laterFails, pass)).get('/')).body).toEqual({ error: 'late refusal', seen: ['h0'] });
  });

  it('when a middleware answers without calling next, then nothing after it runs', async () => {
    const answers: express.RequestHandler = (_req, res) => {
      res.status(204).end();
    };

    const res = await request(appWith(pass, answers, pass)).get('/');

    expect(res.status).toBe(204);
  });
});
