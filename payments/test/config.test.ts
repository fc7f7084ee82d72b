import { parseConfig } from '@ticketing/common';
import { configSchema } from '../src/config';

const JWT_KEY = 'a-signing-key-of-at-least-32-bytes';
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/payments';

describe('payments configuration', () => {
  it('when JWT_KEY is missing, then the error names it', () => {
    expect(() => parseConfig(configSchema, {})).toThrow(/JWT_KEY/);
  });

  it('when only JWT_KEY is given, then the defaults apply and the gateway is the sandbox (no Stripe key)', () => {
    const config = parseConfig(configSchema, { JWT_KEY, DATABASE_URL });
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL,
      PAYMENT_CURRENCY: 'usd',
      GATEWAY_TIMEOUT_MS: 10_000,
    });
    expect(config.STRIPE_KEY).toBeUndefined();
    expect(config.STRIPE_WEBHOOK_SECRET).toBeUndefined();
    expect(config.STRIPE_API_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when the Stripe settings are given, then they are read and the currency is lower-cased', () => {
    const config = parseConfig(configSchema, {
      JWT_KEY,
      DATABASE_URL,
      STRIPE_KEY: 'sk_test_51Abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      PAYMENT_CURRENCY: 'EUR',
      GATEWAY_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      STRIPE_KEY: 'sk_test_51Abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      PAYMENT_CURRENCY: 'eur',
      GATEWAY_TIMEOUT_MS: 2500,
    });
  });

  it.each([
    ['STRIPE_KEY', 'pk_test_publishable'],
    ['STRIPE_WEBHOOK_SECRET', 'not-a-secret'],
    ['STRIPE_API_URL', 'ftp://stripe.local'],
    ['PAYMENT_CURRENCY', 'dollars'],
    ['PAYMENT_CURRENCY', 'xyz'],
    ['PAYMENT_CURRENCY', 'kwd'],
    ['GATEWAY_TIMEOUT_MS', 'soon'],
  ])('when %s is invalid, then the error names it', (name, value) => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, [name]: value })).toThrow(
      new RegExp(`${name} is invalid`),
    );
  });

  it('when PAYMENT_CURRENCY is a zero-decimal currency, then it is read like any other, lower-cased', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYMENT_CURRENCY: 'JPY' })).toMatchObject({
      PAYMENT_CURRENCY: 'jpy',
    });
  });

  it('when PAYMENT_CURRENCY is not a supported currency, then the sentence names it and the supported ones', () => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYMENT_CURRENCY: 'xyz' })).toThrow(
      /PAYMENT_CURRENCY is invalid: xyz is not a supported currency; use one of usd, eur/,
    );
  });

  it('when a Stripe variable is set to the empty string, then it counts as unset', () => {
    expect(
      parseConfig(configSchema, { JWT_KEY, DATABASE_URL, STRIPE_KEY: '', STRIPE_WEBHOOK_SECRET: '' }).STRIPE_KEY,
    ).toBeUndefined();
  });

  describe('in production, payments fail closed', () => {
    const production = { JWT_KEY, DATABASE_URL, NODE_ENV: 'production' };

    it('when STRIPE_KEY is missing, then the error names STRIPE_KEY and says how to run the sandbox on purpose', () => {
      expect(() => parseConfig(configSchema, production)).toThrow(
        /STRIPE_KEY is required but not set \(production takes real payments; set PAYMENTS_SANDBOX=true only/,
      );
    });

    it('when STRIPE_KEY is set without STRIPE_WEBHOOK_SECRET, then the error names STRIPE_WEBHOOK_SECRET', () => {
      expect(() => parseConfig(configSchema, { ...production, STRIPE_KEY: 'sk_live_51Abc' })).toThrow(
        /STRIPE_WEBHOOK_SECRET is required but not set/,
      );
    });

    it('when PAYMENTS_SANDBOX=true is set on purpose, then the sandbox runs', () => {
      const config = parseConfig(configSchema, { ...production, PAYMENTS_SANDBOX: 'true' });
      expect(config.PAYMENTS_SANDBOX).toBe(true);
      expect(config.STRIPE_KEY).toBeUndefined();
    });

    it('when both STRIPE_KEY and PAYMENTS_SANDBOX=true are set, then the error names PAYMENTS_SANDBOX', () => {
      expect(() =>
        parseConfig(configSchema, {
          ...production,
          STRIPE_KEY: 'sk_live_51Abc',
          STRIPE_WEBHOOK_SECRET: 'whsec_abc',
          PAYMENTS_SANDBOX: 'true',
        }),
      ).toThrow(/PAYMENTS_SANDBOX is invalid: STRIPE_KEY is set too/);
    });

    it('when PAYMENTS_SANDBOX is not a boolean, then the error names it', () => {
      expect(() => parseConfig(configSchema, { ...production, PAYMENTS_SANDBOX: 'yes' })).toThrow(
        /PAYMENTS_SANDBOX is invalid: must be true or false/,
      );
    });

    it('when Stripe is fully configured, then it starts', () => {
      expect(
        parseConfig(configSchema, { ...production, STRIPE_KEY: 'sk_live_51Abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }),
      ).toMatchObject({ STRIPE_KEY: 'sk_live_51Abc', PAYMENTS_SANDBOX: false });
    });
  });

  it('when the reconciler and order-wait settings are not given, then their defaults apply; when given, they are read', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL })).toMatchObject({
      ORDER_WAIT_MS: 5_000,
      RECONCILE_AFTER_SECONDS: 120,
      RECONCILE_INTERVAL_SECONDS: 30,
    });
    expect(
      parseConfig(configSchema, {
        JWT_KEY,
        DATABASE_URL,
        ORDER_WAIT_MS: '0',
        RECONCILE_AFTER_SECONDS: '300',
        RECONCILE_INTERVAL_SECONDS: '0',
      }),
    ).toMatchObject({ ORDER_WAIT_MS: 0, RECONCILE_AFTER_SECONDS: 300, RECONCILE_INTERVAL_SECONDS: 0 });
  });

  it('when the payout settings are not given, then payouts are held 48 h, swept every 30 s, parked after 5 refusals, with a 5 % seller fee', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL })).toMatchObject({
      SELLER_FEE_PERCENT: 5,
      PAYOUT_HOLD_HOURS: 48,
      PAYOUT_INTERVAL_SECONDS: 30,
      PAYOUT_MAX_ATTEMPTS: 5,
      PAYOUT_LEASE_SECONDS: 300,
    });
  });

  it('when the payout settings are given, then fractions of an hour, 0 and a fee with two decimals are read', () => {
    expect(
      parseConfig(configSchema, {
        JWT_KEY,
        DATABASE_URL,
        SELLER_FEE_PERCENT: '7.5',
        PAYOUT_HOLD_HOURS: '0.001',
        PAYOUT_INTERVAL_SECONDS: '0',
        PAYOUT_MAX_ATTEMPTS: '2',
        PAYOUT_LEASE_SECONDS: '5',
      }),
    ).toMatchObject({
      SELLER_FEE_PERCENT: 7.5,
      PAYOUT_HOLD_HOURS: 0.001,
      PAYOUT_INTERVAL_SECONDS: 0,
      PAYOUT_MAX_ATTEMPTS: 2,
      PAYOUT_LEASE_SECONDS: 5,
    });
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL, PAYOUT_HOLD_HOURS: '0' }).PAYOUT_HOLD_HOURS).toBe(0);
  });

  it.each([
    ['PAYOUT_HOLD_HOURS', '-1'],
    ['PAYOUT_HOLD_HOURS', 'two days'],
    ['PAYOUT_HOLD_HOURS', '100000'],
    ['PAYOUT_INTERVAL_SECONDS', '-5'],
    ['PAYOUT_MAX_ATTEMPTS', '0'],
    ['SELLER_FEE_PERCENT', '51'],
    ['SELLER_FEE_PERCENT', '2.345'],
  ])('when %s is %s, then the error names it', (name, value) => {
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, [name]: value })).toThrow(name);
  });

  it('when OPERATOR_EMAILS is not given, then nobody is an operator; when given, the list is read trimmed and lower-cased; a bad address is named', () => {
    expect(parseConfig(configSchema, { JWT_KEY, DATABASE_URL }).OPERATOR_EMAILS).toEqual([]);
    expect(
      parseConfig(configSchema, {
        JWT_KEY,
        DATABASE_URL,
        OPERATOR_EMAILS: ' Ops@Ticketing.dev, ,second@ticketing.dev ',
      }).OPERATOR_EMAILS,
    ).toEqual(['ops@ticketing.dev', 'second@ticketing.dev']);
    expect(() => parseConfig(configSchema, { JWT_KEY, DATABASE_URL, OPERATOR_EMAILS: 'ops, x@y.dev' })).toThrow(
      /OPERATOR_EMAILS/,
    );
  });
});
