import { Router } from 'express';
import request from 'supertest';
import { NotFoundError } from '../../errors';
import { createMetrics } from '../metrics';
import { buildApp } from './test-app';

function itemsApp() {
  return buildApp((app) => {
    app.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
    const tickets = Router();
    tickets.get('/', (_req, res) => res.json([]));
    tickets.get('/:id', () => {
      throw new NotFoundError('Ticket not found');
    });
    app.use('/api/tickets', tickets);
  });
}

async function scrape(app: Parameters<typeof request>[0]): Promise<string> {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.text;
}

describe('metrics', () => {
  it('when a parameterised route is hit, then the duration is labelled with the pattern, never the raw id', async () => {
    const { app } = itemsApp();

    await request(app).get('/items/a1b2c3-secret-id');
    const text = await scrape(app);

    expect(text).toMatch(
      /http_request_duration_seconds_count\{service="test-service",method="GET",route="\/items\/:id",status_code="200"\} 1/,
    );
    expect(text).not.toContain('a1b2c3-secret-id');
  });

  it('when a route in a mounted router throws, then the label still has the full pattern and the error status', async () => {
    const { app } = itemsApp();

    await request(app).get('/api/tickets/123');
    await request(app).get('/api/tickets');
    const text = await scrape(app);

    expect(text).toContain('route="/api/tickets/:id",status_code="404"');
    expect(text).toContain('route="/api/tickets",status_code="200"');
  });

  it('when no route matches, then the request is labelled "unmatched"', async () => {
    const { app } = itemsApp();

    await request(app).get('/wp-admin/install.php?x=1');
    const text = await scrape(app);

    expect(text).toContain('route="unmatched",status_code="404"');
    expect(text).not.toContain('wp-admin');
  });

  it('when /metrics is scraped, then default process metrics carry the service label', async () => {
    const { app } = itemsApp();

    const text = await scrape(app);

    expect(text).toMatch(/process_cpu_user_seconds_total\{service="test-service"\}/);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('when several apps live in one process, then each has its own registry and counts', async () => {
    const first = itemsApp().app;
    const second = itemsApp().app;

    await request(first).get('/items/1');
    await request(first).get('/items/2');
    await request(second).get('/items/3');

    expect(await scrape(first)).toContain(
      '_count{service="test-service",method="GET",route="/items/:id",status_code="200"} 2',
    );
    expect(await scrape(second)).toContain(
      '_count{service="test-service",method="GET",route="/items/:id",status_code="200"} 1',
    );
    expect(first.locals.metrics.registry).not.toBe(second.locals.metrics.registry);
  });

  it('when a handler reads req.route, then it still sees the route Express matched', async () => {
    const { app } = buildApp((app) => app.get('/things/:id', (req, res) => res.json({ path: req.route?.path })));

    const res = await request(app).get('/things/9');

    expect(res.body).toEqual({ path: '/things/:id' });
  });

  it('when createMetrics is used directly, then its histogram is registered in its own registry', async () => {
    const metrics = createMetrics('direct');

    expect(metrics.registry.getSingleMetric('http_request_duration_seconds')).toBe(metrics.httpDuration);
    expect(await metrics.registry.metrics()).toContain('service="direct"');
  });
});
