import { z } from 'zod';
import { ConfigError, env, loadConfig, parseConfig } from '../load-config';

const schema = z.object({
  JWT_KEY: env.jwtKey,
  PORT: env.port(3000),
  NATS_URL: env.natsUrl,
  DATABASE_URL: env.databaseUrl,
});

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/auth';
/** 32 bytes: the shortest signing key a service accepts. */
const KEY = 'k'.repeat(32);

describe('configuration', () => {
  it('when variables are valid, then it returns a frozen, typed object with defaults', () => {
    const config = parseConfig(schema, { JWT_KEY: KEY, PORT: '4000', DATABASE_URL });
    expect(config).toEqual({ JWT_KEY: KEY, PORT: 4000, NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when a variable is set to the empty string, then it counts as unset', () => {
    expect(parseConfig(schema, { JWT_KEY: KEY, DATABASE_URL, NATS_URL: '' })).toEqual({
      JWT_KEY: KEY,
      PORT: 3000,
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL,
    });
  });

  it('when DATABASE_URL is unset or empty, then the error says what to set it to', () => {
    for (const value of [undefined, '']) {
      expect(() => parseConfig(schema, { JWT_KEY: KEY, DATABASE_URL: value })).toThrow(
        "DATABASE_URL is required but not set (set it to the postgres:// URL of the service's own database).",
      );
    }
  });

  it('when a variable is missing or invalid, then the error names each one', () => {
    expect(() => parseConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      parseConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/JWT_KEY is required but not set/);
      expect(message).toMatch(/PORT is invalid/);
      expect(message).toMatch(/DATABASE_URL is invalid: must be a postgres:\/\/ URL/);
    }
  });

  it('when JWT_KEY is 31 bytes, then it is refused with a sentence naming it and the minimum', () => {
    expect(() => parseConfig(schema, { JWT_KEY: 'k'.repeat(31), DATABASE_URL })).toThrow(
      'JWT_KEY is invalid: must be at least 32 bytes (e.g. openssl rand -hex 32).',
    );
  });

  it('when JWT_KEY is 32 bytes of fewer characters, then bytes are what count', () => {
    // 'é' is two bytes in UTF-8, the encoding the key is used in.
    expect(parseConfig(schema, { JWT_KEY: 'é'.repeat(16), DATABASE_URL }).JWT_KEY).toBe('é'.repeat(16));
    expect(() => parseConfig(schema, { JWT_KEY: `${'é'.repeat(15)}k`, DATABASE_URL })).toThrow(/JWT_KEY is invalid/);
  });

  it('when the service starts with a 31-byte JWT_KEY, then it prints the sentence naming it and exits with code 1', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    loadConfig(schema, { JWT_KEY: 'k'.repeat(31), DATABASE_URL });
    expect(write).toHaveBeenCalledWith(expect.stringContaining('JWT_KEY is invalid: must be at least 32 bytes'));
    expect(exit).toHaveBeenCalledWith(1);
    exit.mockRestore();
    write.mockRestore();
  });

  it('when loading fails, then it prints the sentence and exits with code 1', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    loadConfig(schema, {});
    expect(write).toHaveBeenCalledWith(expect.stringContaining('JWT_KEY is required'));
    expect(exit).toHaveBeenCalledWith(1);
    exit.mockRestore();
    write.mockRestore();
  });

  it('when loading succeeds, then it returns the config', () => {
    expect(loadConfig(schema, { JWT_KEY: KEY, DATABASE_URL }).PORT).toBe(3000);
  });

  it('rethrows errors that are not configuration errors', () => {
    const broken = {
      safeParse: () => {
        throw new TypeError('boom');
      },
    } as unknown as typeof schema;
    expect(() => loadConfig(broken, {})).toThrow('boom');
  });
});
