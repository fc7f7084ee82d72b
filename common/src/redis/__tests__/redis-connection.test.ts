import pino from 'pino';
import { freePort, type RedisServerHandle, startRedisServer, waitFor } from '../../testing';
import {
  closeRedisConnection,
  createRedisConnection,
  MAX_RETRY_DELAY_MS,
  reconnectDelayMs,
  redisReadiness,
} from '../redis-connection';

/** A pino logger that keeps its messages, so tests can assert what was logged. */
function memoryLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, has: (msg: string) => lines.some((line) => line.msg === msg) };
}

let redisServer: RedisServerHandle;
beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(() => redisServer.stop());

describe('Redis connection', () => {
  it('when reconnecting, then the delay doubles from 100 ms up to a 2 s cap and never gives up', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(MAX_RETRY_DELAY_MS).toBe(2_000);
  });

  it('when nothing listens, then readiness fails at once naming the state, and closing does not wait', async () => {
    const log = memoryLogger();
    const url = `redis://127.0.0.1:${await freePort()}`;
    const redis = createRedisConnection({ url, name: 'nowhere', logger: log.logger, maxRetriesPerRequest: 1 });
    await waitFor(() => log.has('Redis connection lost; reconnecting'));
    await expect(redisReadiness(redis)()).rejects.toThrow(/^Redis connection is (connecting|reconnecting)$/);
    await closeRedisConnection(redis);
    await closeRedisConnection(redis);
    expect(log.has('connected to Redis')).toBe(false);
  });

  it('when connected, then closing quits, and a closed connection closes again quietly', async () => {
    const log = memoryLogger();
    const redis = createRedisConnection({
      url: redisServer.url,
      name: 'brief',
      logger: log.logger,
      maxRetriesPerRequest: 1,
    });
    await waitFor(() => redis.status === 'ready');
    await expect(redisReadiness(redis)()).resolves.toBeUndefined();
    await closeRedisConnection(redis);
    expect(redis.status).toBe('end');
    await closeRedisConnection(redis);
    expect(log.has('connected to Redis')).toBe(true);
    expect(log.has('Redis connection lost; reconnecting')).toBe(false);
  });

  it('when the offline queue is off and nothing listens, then a command fails at once instead of waiting', async () => {
    const log = memoryLogger();
    const url = `redis://127.0.0.1:${await freePort()}`;
    const redis = createRedisConnection({
      url,
      name: 'impatient',
      logger: log.logger,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    // Refused on the spot, not queued until a connection comes.
    await expect(redis.ping()).rejects.toThrow(/enableOfflineQueue options is false/);
    await closeRedisConnection(redis);
  });
});
