import { parseConfig } from '@ticketing/common';
import { configSchema } from '../src/config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/auth';
/** 32 bytes or more, as every service requires. */
const JWT_KEY = 'a-signing-key-of-at-least-32-bytes';

describe('auth configuration', () => {
  it('when JWT_KEY is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, {})).toThrow(/JWT_KEY/);
  });

  it('when JWT_KEY is shorter than 32 bytes, then the error names it and the minimum', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY: 'x'.repeat(31), DATABASE_URL })).toThrow(
      /JWT_KEY is invalid: must be at least 32 bytes/,
    );
  });

  it('when a number is not a number, then the error names the variable', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RATE_LIMIT_SIGNIN: 'lots' })).toThrow(
      /RATE_LIMIT_SIGNIN/,
    );
  });

  it('when REDIS_URL is not a redis URL or a limit is not a positive number, then the error names the variable', () => {
    const base = { JWT_KEY: 'a-long-enough-key', DATABASE_URL };
    expect(() => parseConfig(configSchema, { ...base, REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL is invalid/);
    expect(() => parseConfig(configSchema, { ...base, RATE_LIMIT_SIGNIN_ACCOUNT: '0' })).toThrow(
      /RATE_LIMIT_SIGNIN_ACCOUNT is invalid/,
    );
    expect(() => parseConfig(configSchema, { ...base, RATE_LIMIT_SIGNIN_IP: 'many' })).toThrow(
      /RATE_LIMIT_SIGNIN_IP is invalid/,
    );
  });

  it('when DATABASE_URL is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY })).toThrow(/DATABASE_URL is required/);
  });

  it('when only JWT_KEY and DATABASE_URL are given, then the defaults apply', () => {
    const config = parseConfig(configSchema, { JWT_KEY, DATABASE_URL });
    expect(config).toMatchObject({
      PORT: 3000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      RATE_LIMIT_SIGNIN: 10,
      RATE_LIMIT_SIGNIN_ACCOUNT: 10,
      RATE_LIMIT_SIGNIN_IP: 100,
      RATE_LIMIT_SIGNUP: 100,
      DATABASE_URL,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
