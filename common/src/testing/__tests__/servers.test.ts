import { existsSync } from 'node:fs';
import { startNatsServer } from '../nats-server';
import { findBinary } from '../processes';
import { redisCommand, startRedisServer } from '../redis-server';
import { waitFor } from '../wait-for';

describe('test servers', () => {
  it('when a redis-server is started, then it answers and keeps its data across halt and resume', async () => {
    const redis = await startRedisServer();
    try {
      expect(await redisCommand(redis.port, 'PING')).toBe('+PONG');
      expect(await redisCommand(redis.port, 'SET greeting hello')).toBe('+OK');
      await redis.halt();
      await redis.resume();
      expect(await redisCommand(redis.port, 'GET greeting')).toBe('$5\r\nhello');
    } finally {
      await redis.stop();
    }
    expect(existsSync(redis.dataDir)).toBe(false);
  });

  it('when a nats-server is killed and resumed, then it listens on the same port again', async () => {
    const nats = await startNatsServer();
    try {
      await nats.halt({ kill: true });
      await nats.resume();
      expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    } finally {
      await nats.stop();
    }
    expect(existsSync(nats.storeDir)).toBe(false);
  });

  it('when a binary is missing, then the error gives the apt-get command', () => {
    expect(() => findBinary('no-such-server-binary', 'no-such-package')).toThrow(
      'no-such-server-binary is not installed. Install it with: apt-get update && apt-get install -y no-such-package',
    );
  });
});

describe('waitFor', () => {
  it('when the condition becomes true, then it returns its value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? 'done' : false), { intervalMs: 1 })).resolves.toBe('done');
  });

  it('when the condition never holds, then it fails with the last reason', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still pending');
        },
        { timeoutMs: 50, intervalMs: 5 },
      ),
    ).rejects.toThrow('waitFor timed out after 50 ms: still pending');
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/condition still false/);
  });
});
