import { parseConfig } from '@ticketing/common';
import { configSchema } from '../src/config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/orders';
/** 32 bytes or more, as every service requires. */
const JWT_KEY = 'a-signing-key-of-at-least-32-bytes';

describe('orders configuration', () => {
  it('when JWT_KEY is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, {})).toThrow(/JWT_KEY/);
  });

  it('when only JWT_KEY and DATABASE_URL are given, then the defaults apply', () => {
    const config = parseConfig(configSchema, { JWT_KEY, DATABASE_URL });
    expect(config).toMatchObject({
      PORT: 3000,
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL,
      EXPIRATION_WINDOW_SECONDS: 900,
      SWEEP_INTERVAL_SECONDS: 5,
      PAYMENT_CURRENCY: 'usd',
      MAX_ACTIVE_RESERVATIONS: 5,
      RESERVATION_COOLDOWN_SECONDS: 300,
      RATE_LIMIT_ORDERS: 30,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when PAYMENT_CURRENCY is given, then orders are priced in it, lower-cased', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYMENT_CURRENCY: 'GBP' })).toMatchObject({
      PAYMENT_CURRENCY: 'gbp',
    });
  });

  it('when SWEEP_INTERVAL_SECONDS is 0, then the sweep is off; when it is empty, then the default applies', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, SWEEP_INTERVAL_SECONDS: '0' })).toMatchObject({
      SWEEP_INTERVAL_SECONDS: 0,
    });
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, SWEEP_INTERVAL_SECONDS: '' })).toMatchObject({
      SWEEP_INTERVAL_SECONDS: 5,
    });
  });

  it('when RESERVATION_COOLDOWN_SECONDS is 0, then the cool-down is off', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, RESERVATION_COOLDOWN_SECONDS: '0' })).toMatchObject({
      RESERVATION_COOLDOWN_SECONDS: 0,
    });
  });

  it.each([
    ['MAX_ACTIVE_RESERVATIONS', '0'],
    ['MAX_ACTIVE_RESERVATIONS', 'many'],
    ['RESERVATION_COOLDOWN_SECONDS', '-5'],
    ['RATE_LIMIT_ORDERS', '0'],
    ['REDIS_URL', 'localhost:6379'],
    ['EXPIRATION_WINDOW_SECONDS', '0'],
    ['EXPIRATION_WINDOW_SECONDS', 'soon'],
    ['SWEEP_INTERVAL_SECONDS', '-1'],
    ['DATABASE_URL', 'mysql://db'],
    ['PAYMENT_CURRENCY', 'xyz'],
    ['DATABASE_URL', ''],
  ])('when %s is %p, then the error names the variable', (name, value) => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, [name]: value })).toThrow(new RegExp(name));
  });
});
