import { parseConfig } from '@ticketing/common';
import { configSchema, loadExpirationConfig } from '../src/config';

describe('expiration configuration', () => {
  it('when nothing is set, then the defaults apply and the result is frozen', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM_REPLICAS: 1,
      EVENT_RETENTION_DAYS: 30,
      STREAM_MAX_BYTES: 1024 ** 3,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when REDIS_URL is not a redis URL, then the error names it', () => {
    expect(() => parseConfig(configSchema, { REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL is invalid/);
  });

  it('when the URLs are given, then they are used; no JWT_KEY is needed', () => {
    const config = parseConfig(configSchema, { NATS_URL: 'nats://nats:4222', REDIS_URL: 'rediss://cache:6380/1' });
    expect(config).toMatchObject({ NATS_URL: 'nats://nats:4222', REDIS_URL: 'rediss://cache:6380/1' });
  });

  it('when loaded at start-up from the environment, then it is parsed the same way', () => {
    expect(loadExpirationConfig({ PORT: '3105', REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      PORT: 3105,
      REDIS_URL: 'redis://cache:6379',
    });
  });
});
