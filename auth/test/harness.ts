import path from 'node:path';
import { createLogger, type Event, type Logger, OutboxRelay, type Redis } from '@ticketing/common';
import { createTestDatabase } from '@ticketing/common/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import { outbox, schema } from '../src/db/schema';

export const JWT_KEY = 'auth-test-signing-key-0123456789abcdef';

/** The configuration of the app under test; DATABASE_URL is the test file's own database. */
export const baseConfig: Omit<Config, 'DATABASE_URL'> = {
  NODE_ENV: 'test',
  PORT: 0,
  HOST: '127.0.0.1',
  TRUST_PROXY: 'loopback',
  LOG_LEVEL: 'silent',
  JWT_KEY,
  JWT_TTL_SECONDS: 3600,
  REDIS_URL: 'redis://127.0.0.1:6379',
  RATE_LIMIT_SIGNIN: 1000,
  RATE_LIMIT_SIGNIN_ACCOUNT: 1000,
  RATE_LIMIT_SIGNIN_IP: 1000,
  RATE_LIMIT_SIGNUP: 1000,
  NATS_URL: 'nats://127.0.0.1:4222',
  NATS_STREAM_REPLICAS: 1,
  EVENT_RETENTION_DAYS: 30,
  STREAM_MAX_BYTES: 1024 ** 3,
};

/**
 * One database per test file (a copy of a migrated template), truncated between tests. The
 * outbox relay is not started: the events a request causes stay in the outbox, where
 * {@link outboxEvents} reads them (the relay itself is tested in common).
 */
export async function createAuthTestBed() {
  const database = await createTestDatabase({ schema, migrationsFolder: path.join(__dirname, '..', 'migrations') });
  const silent = createLogger('auth', 'silent');
  const relay = new OutboxRelay({
    db: database.db,
    logger: silent,
    publish: async () => {
      throw new Error('the test relay publishes nothing');
    },
  });
  /**
   * One replica of auth; with `redis` its rate limits are counted there, otherwise in its own
   * memory; with `logger` its lines go there (default silent).
   */
  const app = (config: Partial<Config> = {}, { redis, logger = silent }: { redis?: Redis; logger?: Logger } = {}) =>
    createApp({
      config: { ...baseConfig, DATABASE_URL: database.url, ...config },
      db: database.db,
      relay,
      logger,
      redis,
      readiness: { db: async () => undefined },
    });
  /** The events written to the outbox so far, in order. */
  const outboxEvents = async (): Promise<Event[]> =>
    (await database.db.select().from(outbox).orderBy(outbox.id)).map((row) => row.payload);
  return { ...database, app, outboxEvents };
}

/** The service's logger at `info`, its lines kept as they would be written, so a test can read them. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('auth', 'info', { write: (line: string) => lines.push(line) }), lines };
}

export type AuthTestBed = Awaited<ReturnType<typeof createAuthTestBed>>;

export const credentials = (email = 'buyer@test.dev', password = 'secret-pw') => ({ email, password });

/** Signs a user up and returns their session cookie. */
export async function signUp(app: ReturnType<AuthTestBed['app']>, email = 'buyer@test.dev', password = 'secret-pw') {
  const response = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
  return { user: response.body as { id: string; email: string }, cookie: response.get('Set-Cookie') ?? [] };
}
