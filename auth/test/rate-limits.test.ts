import { closeRedisConnection, createLogger, createRateLimitRedis, type Redis } from '@ticketing/common';
import { type RedisServerHandle, redisCommand, startRedisServer, waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import type { Config } from '../src/config';
import { type AuthTestBed, createAuthTestBed, credentials, signUp } from './harness';

let bed: AuthTestBed;
let redisServer: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  [bed, redisServer] = await Promise.all([createAuthTestBed(), startRedisServer()]);
  redis = createRateLimitRedis({ url: redisServer.url, service: 'auth', logger: createLogger('auth', 'silent') });
  await waitFor(() => redis.status === 'ready');
});
afterEach(async () => {
  await bed.truncate();
  await redisCommand(redisServer.port, 'FLUSHALL');
});
afterAll(async () => {
  await closeRedisConnection(redis);
  await Promise.all([bed.close(), redisServer.stop()]);
});

/** A replica of auth whose rate limits are counted in the test's Redis, as every replica's are. */
const replica = (config: Partial<Config> = {}) => bed.app(config, { redis });

type App = ReturnType<typeof replica>;

const signIn = (app: App, body: { email: string; password: string }, ip = '203.0.113.7') =>
  request(app).post('/api/users/signin').set('X-Forwarded-For', ip).send(body);

describe('sign-in rate limits shared through Redis', () => {
  it('when two replicas share one Redis, then failed sign-ins on either count against one budget per IP', async () => {
    const config = { RATE_LIMIT_SIGNIN: 4 };
    const [a, b] = [replica(config), replica(config)];
    await signUp(a);

    for (const app of [a, b, a, b]) {
      await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(400);
    }
    const refused = await signIn(a, credentials('buyer@test.dev', 'wrong-pw')).expect(429);
    expect(refused.body.errors[0].message).toMatch(
      /^Too many failed sign-in attempts from this address; try again in 15 minutes$/,
    );
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(14 * 60);
    // Another address still has its own budget on both replicas.
    await signIn(b, credentials('buyer@test.dev', 'wrong-pw'), '198.51.100.1').expect(400);
  });

  it('when failed sign-ins for one account come from 10 forged X-Forwarded-For addresses, then the per-account limit stops them', async () => {
    const config = { RATE_LIMIT_SIGNIN: 1000, RATE_LIMIT_SIGNIN_ACCOUNT: 5 };
    const [a, b] = [replica(config), replica(config)];
    await signUp(a, 'victim@test.dev');
    await signUp(a, 'bystander@test.dev');

    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const app = i % 2 === 0 ? a : b;
      // The same account however it is typed: capitals and spaces do not make a new budget.
      const email = i % 3 === 0 ? '  Victim@TEST.dev ' : 'victim@test.dev';
      const response = await signIn(app, credentials(email, `guess-${i}`), `192.0.2.${i % 10}`);
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));

    const fresh = await signIn(a, credentials('victim@test.dev', 'guess-x'), '192.0.2.200').expect(429);
    expect(fresh.body.errors[0].message).toBe(
      'Too many failed sign-in attempts for this account; try again in 15 minutes',
    );
    // The limit is the account's: another account from the same addresses is still answered.
    await signIn(b, credentials('bystander@test.dev', 'wrong-pw'), '192.0.2.1').expect(400);
    await signIn(b, credentials('bystander@test.dev'), '192.0.2.1').expect(200);
  });

  it('when an account signs in successfully, then its failed-attempt budget is untouched', async () => {
    const app = replica({ RATE_LIMIT_SIGNIN_ACCOUNT: 2 });
    await signUp(app);
    for (let i = 0; i < 5; i += 1) await signIn(app, credentials()).expect(200);
    await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(400);
    await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(400);
    await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(429);
  });

  it('when one address signs in successfully too often, then the all-attempts limit per IP answers 429', async () => {
    const config = { RATE_LIMIT_SIGNIN_IP: 3 };
    const [a, b] = [replica(config), replica(config)];
    await signUp(a);
    await signIn(a, credentials()).expect(200);
    await signIn(b, credentials()).expect(200);
    await signIn(a, credentials()).expect(200);

    const refused = await signIn(b, credentials()).expect(429);
    expect(refused.body.errors[0].message).toBe('Too many sign-in attempts from this address; try again in 15 minutes');
    expect(refused.get('Set-Cookie')).toBeUndefined();
    await signIn(b, credentials(), '198.51.100.9').expect(200);
  });

  it('when sign-ups come to two replicas from one address, then they share the sign-up budget', async () => {
    const config = { RATE_LIMIT_SIGNUP: 2 };
    const [a, b] = [replica(config), replica(config)];
    const signUpAs = (app: App, email: string) =>
      request(app).post('/api/users/signup').set('X-Forwarded-For', '203.0.113.50').send(credentials(email));
    await signUpAs(a, 'one@test.dev').expect(201);
    await signUpAs(b, 'two@test.dev').expect(201);
    const refused = await signUpAs(a, 'three@test.dev').expect(429);
    expect(refused.body.errors[0].message).toBe('Too many sign-ups from this address; try again in 15 minutes');
  });

  it('when Redis is down, then sign-in still answers (never a 5xx) and each replica enforces the limit itself', async () => {
    const app = replica({ RATE_LIMIT_SIGNIN: 2 });
    await signUp(app);
    await redisServer.halt();
    try {
      await waitFor(() => redis.status !== 'ready');
      await signIn(app, credentials()).expect(200);
      await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(400);
      await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(400);
      await signIn(app, credentials('buyer@test.dev', 'wrong-pw')).expect(429);
    } finally {
      await redisServer.resume();
    }
    await waitFor(() => redis.status === 'ready');
  });

  it('when invalid input is sent, then it is refused by validation without touching the account budget', async () => {
    const app = replica({ RATE_LIMIT_SIGNIN_ACCOUNT: 1, RATE_LIMIT_SIGNIN: 1000 });
    for (let i = 0; i < 3; i += 1) {
      await request(app)
        .post('/api/users/signin')
        .send({ email: ['x'], password: 'pw' })
        .expect(400);
    }
    await signUp(app);
    await signIn(app, credentials()).expect(200);
  });
});
