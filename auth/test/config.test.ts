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

  it('when DATABASE_URL is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY })).toThrow(/DATABASE_URL is required/);
  });

  it('when only JWT_KEY and DATABASE_URL are given, then the defaults apply', () => {
    const config = parseConfig(configSchema, { JWT_KEY, DATABASE_URL });
    expect(config).toMatchObject({
      PORT: 3000,
      RATE_LIMIT_SIGNIN: 10,
      RATE_LIMIT_SIGNUP: 100,
      DATABASE_URL,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
