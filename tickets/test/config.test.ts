import { parseConfig } from '@ticketing/common';
import { configSchema, loadTicketsConfig } from '../src/config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tickets';
/** 32 bytes or more, as every service requires. */
const JWT_KEY = 'a-signing-key-of-at-least-32-bytes';

describe('tickets configuration', () => {
  it('when JWT_KEY is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, {})).toThrow(/JWT_KEY/);
  });

  it('when DATABASE_URL is not a postgres URL, then the error names it', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('when PORT is not a port, then the error names it', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PORT: '70000' })).toThrow(/PORT/);
  });

  it('when only JWT_KEY and DATABASE_URL are given, then the defaults apply and the config is frozen', () => {
    const config = parseConfig(configSchema, { JWT_KEY, DATABASE_URL });
    expect(config).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'info',
      JWT_KEY,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM_REPLICAS: 1,
      EVENT_RETENTION_DAYS: 30,
      STREAM_MAX_BYTES: 1024 ** 3,
      GAP_HEAL_SECONDS: 60,
      DATABASE_URL,
      PAYMENT_CURRENCY: 'usd',
      RESALE_PRICE_CAP_PERCENT: 120,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when PAYMENT_CURRENCY is given, then listings are priced in it, lower-cased', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYMENT_CURRENCY: 'JPY' })).toMatchObject({
      PAYMENT_CURRENCY: 'jpy',
    });
  });

  it('when PAYMENT_CURRENCY is not a supported currency, then the error names it', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYMENT_CURRENCY: 'xyz' })).toThrow(
      /PAYMENT_CURRENCY is invalid: xyz is not a supported currency/,
    );
  });

  it('when RESALE_PRICE_CAP_PERCENT is given, then resale prices are capped at it', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RESALE_PRICE_CAP_PERCENT: '150' })).toMatchObject({
      RESALE_PRICE_CAP_PERCENT: 150,
    });
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RESALE_PRICE_CAP_PERCENT: '100' })).toMatchObject({
      RESALE_PRICE_CAP_PERCENT: 100,
    });
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RESALE_PRICE_CAP_PERCENT: '1000' })).toMatchObject({
      RESALE_PRICE_CAP_PERCENT: 1000,
    });
  });

  it.each(['99', '1001', '120.5', 'lots'])('when RESALE_PRICE_CAP_PERCENT is %s, then the error names it', (value) => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RESALE_PRICE_CAP_PERCENT: value })).toThrow(
      /RESALE_PRICE_CAP_PERCENT is invalid/,
    );
  });

  it('when RESALE_PRICE_CAP_PERCENT is out of range at start-up, then the service exits 1 naming it', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      loadTicketsConfig({ JWT_KEY, DATABASE_URL, RESALE_PRICE_CAP_PERCENT: '50' });
      expect(exit).toHaveBeenCalledWith(1);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/RESALE_PRICE_CAP_PERCENT is invalid/);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('when the service loads its configuration from a valid environment, then it gets the parsed values', () => {
    const config = loadTicketsConfig({
      JWT_KEY,
      DATABASE_URL,
      PORT: '4010',
      NATS_URL: 'nats://nats:4222',
    });
    expect(config).toMatchObject({ PORT: 4010, NATS_URL: 'nats://nats:4222' });
  });
});
