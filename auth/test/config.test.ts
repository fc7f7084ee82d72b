import { parseConfig } from '@ticketing/common';
import { configSchema } from '../src/config';

describe('auth configuration', () => {
  it('when JWT_KEY is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, {})).toThrow(/JWT_KEY/);
  });

  it('when a number is not a number, then the error names the variable', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY: 'a-long-enough-key', RATE_LIMIT_SIGNIN: 'lots' })).toThrow(
      /RATE_LIMIT_SIGNIN/,
    );
  });

  it('when only JWT_KEY is given, then the defaults apply', () => {
    const config = parseConfig(configSchema, { JWT_KEY: 'a-long-enough-key' });
    expect(config).toMatchObject({
      PORT: 3000,
      RATE_LIMIT_SIGNIN: 10,
      RATE_LIMIT_SIGNUP: 100,
      PGLITE_DIR: '.data/auth',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
