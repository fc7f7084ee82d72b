import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { TooManyRequestsError } from '../../errors';
import { closeRedisConnection } from '../../redis';
import { type RedisServerHandle, redisCommand, startRedisServer, waitFor } from '../../testing';
import { createRateLimiter, createRateLimitRedis, describeWait, type RateLimiterOptions } from '../rate-limit';
import { buildApp, capturedLogger } from './test-app';

let redisServer: RedisServerHandle;
const connections: Redis[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(connections.map(closeRedisConnection));
  await redisServer.stop();
});

/** The connection auth and orders give their limiters. */
async function limiterConnection(): Promise<Redis> {
  const redis = createRateLimitRedis({ url: redisServer.url, service: 'test', logger: capturedLogger().logger });
  connections.push(redis);
  await waitFor(() => redis.status === 'ready');
  return redis;
}

/** One replica of a service with `POST /attempt` behind a limiter; `?fail=1` answers 400. */
function replica(service: string, redis: Redis | undefined, options: Partial<RateLimiterOptions> = {}) {
  const { logger, lines } = capturedLogger();
  const { app } = buildApp(
    (app) => {
      const limiter = createRateLimiter(
        { service, redis, logger, registry: app.locals.metrics.registry },
        {
          name: 'attempts',
          windowMs: 60_000,
          limit: 3,
          refuse: (seconds) => new TooManyRequestsError(`Too many attempts; try again ${describeWait(seconds)}`),
          ...options,
        },
      );
      app.post('/attempt', limiter, (req, res) => {
        res.status(req.query.fail ? 400 : 200).json({});
      });
    },
    { logger },
  );
  return { app, lines };
}

const attempt = (app: Parameters<typeof request>[0], path = '/attempt') => request(app).post(path);

describe('createRateLimiter', () => {
  it('when two replicas share one Redis, then they share one budget: the fourth request across both is refused', async () => {
    const service = randomUUID();
    const redis = await limiterConnection();
    const a = replica(service, redis);
    const b = replica(service, redis);

    await attempt(a.app).expect(200);
    await attempt(b.app).expect(200);
    await attempt(a.app).expect(200);
    const refused = await attempt(b.app).expect(429);

    expect(refused.body).toEqual({
      errors: [{ message: 'Too many attempts; try again in 1 minute', code: 'RATE_LIMITED' }],
    });
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(0);
    expect(refused.get('RateLimit')).toMatch(/^"attempts"; r=0; t=\d+$/);
    const metrics = await request(b.app).get('/metrics');
    expect(metrics.text).toMatch(
      /^ticketing_rate_limit_rejected_total\{limiter="attempts",service="test-service"\} 1$/m,
    );
  });

  it('when each replica counts alone (no Redis), then two replicas allow twice the budget', async () => {
    const service = randomUUID();
    const a = replica(service, undefined);
    const b = replica(service, undefined);
    for (const app of [a.app, b.app, a.app, b.app, a.app, b.app]) await attempt(app).expect(200);
    await attempt(a.app).expect(429);
  });

  it('when only failures count, then successful requests leave the budget alone', async () => {
    const redis = await limiterConnection();
    const { app } = replica(randomUUID(), redis, { onlyFailures: true });
    for (let i = 0; i < 5; i += 1) await attempt(app).expect(200);
    for (let i = 0; i < 3; i += 1) await attempt(app, '/attempt?fail=1').expect(400);
    await attempt(app).expect(429);
  });

  it('when the key function gives no key, then the request is not counted', async () => {
    const redis = await limiterConnection();
    const { app } = replica(randomUUID(), redis, {
      key: (req) => (typeof req.query.who === 'string' ? req.query.who : undefined),
    });
    for (let i = 0; i < 5; i += 1) await attempt(app).expect(200);
    for (let i = 0; i < 3; i += 1) await attempt(app, '/attempt?who=ann').expect(200);
    await attempt(app, '/attempt?who=ann').expect(429);
    await attempt(app, '/attempt?who=bob').expect(200);
  });

  it('when Redis hangs, then the limiter answers within its command timeout from memory, never a 5xx, and shares again afterwards', async () => {
    const service = randomUUID();
    const redis = await limiterConnection();
    const a = replica(service, redis);
    const b = replica(service, redis);
    // CLIENT PAUSE holds every client's commands: Redis is up but does not answer, even the
    // limiter's first command (loading its scripts).
    await redisCommand(redisServer.port, 'CLIENT PAUSE 2000 ALL');
    try {
      const started = Date.now();
      await attempt(a.app).expect(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(a.lines.some((line) => line.level === 40 && /counting in this process/.test(String(line.msg)))).toBe(true);
    } finally {
      await redisCommand(redisServer.port, 'CLIENT UNPAUSE');
    }
    for (const app of [b.app, a.app, b.app]) await attempt(app).expect(200);
    await attempt(a.app).expect(429);
  });

  it('when Redis is down, then each replica still enforces the limit from memory, logs once, counts the fallback, and shares again once Redis is back', async () => {
    const service = randomUUID();
    const redis = await limiterConnection();
    const a = replica(service, redis);
    const b = replica(service, redis);
    await attempt(a.app).expect(200);

    await redisServer.halt();
    await waitFor(() => redis.status !== 'ready');
    try {
      // Down: no 5xx, and each replica refuses the fourth request it counted itself.
      for (let i = 0; i < 3; i += 1) await attempt(a.app).expect(200);
      await attempt(a.app).expect(429);
      for (let i = 0; i < 3; i += 1) await attempt(b.app).expect(200);
      await attempt(b.app).expect(429);
    } finally {
      await redisServer.resume();
    }
    const warnings = a.lines.filter((line) => /counting in this process/.test(String(line.msg)));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, limiter: 'attempts' })]);
    const metrics = await request(a.app).get('/metrics');
    expect(metrics.text).toMatch(
      /^ticketing_rate_limit_fallback_total\{limiter="attempts",service="test-service"\} 4$/m,
    );

    // Back: the restarted Redis lost its scripts and kept the count of 1 (append-only file).
    await waitFor(() => redis.status === 'ready');
    await attempt(b.app).expect(200);
    await attempt(a.app).expect(200);
    await attempt(b.app).expect(429);
    expect(b.lines.some((line) => line.level === 30 && /limits are shared again/.test(String(line.msg)))).toBe(true);
  });

  it('when Redis is down before the first request, then the limiter loads its scripts once Redis is there', async () => {
    await redisServer.halt();
    const redis = createRateLimitRedis({ url: redisServer.url, service: 'late', logger: capturedLogger().logger });
    connections.push(redis);
    const service = randomUUID();
    const a = replica(service, redis);
    const b = replica(service, redis);
    try {
      await attempt(a.app).expect(200);
    } finally {
      await redisServer.resume();
    }
    await waitFor(() => redis.status === 'ready');
    for (const app of [a.app, b.app, a.app]) await attempt(app).expect(200);
    await attempt(b.app).expect(429);
  });
});

describe('describeWait', () => {
  it('says seconds under a minute and whole minutes, rounded up, above', () => {
    expect([1, 30, 59, 60, 61, 900].map(describeWait)).toEqual([
      'in 1 second',
      'in 30 seconds',
      'in 59 seconds',
      'in 1 minute',
      'in 2 minutes',
      'in 15 minutes',
    ]);
  });
});
