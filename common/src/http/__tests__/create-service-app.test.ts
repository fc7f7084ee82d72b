import request from 'supertest';
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

  it('when the app is built, then its metrics are reachable on app.locals', () => {
    const { app } = buildApp(() => {});

    expect(app.locals.metrics.httpDuration).toBeDefined();
  });
});
