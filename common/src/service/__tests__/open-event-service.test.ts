import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import * as schema from '../../db/__tests__/fixtures/schema';
import { migrationsFolder } from '../../db/__tests__/helpers';
import { enqueueEvent } from '../../db/outbox';
import { createEvent } from '../../events';
import { type NatsServerHandle, startNatsServer } from '../../testing/nats-server';
import { testPostgresServer } from '../../testing/test-database';
import { waitFor } from '../../testing/wait-for';
import { openEventService } from '../open-event-service';

const postgres = testPostgresServer();
let nats: NatsServerHandle;
let databaseUrl: string;
beforeAll(async () => {
  [nats, databaseUrl] = await Promise.all([startNatsServer(), postgres.createDatabase()]);
});
afterAll(() => Promise.all([nats.stop(), postgres.dropDatabase(databaseUrl)]));

describe('openEventService', () => {
  it('opens the database, NATS, the stream and the relay, is ready, publishes, and shuts down in order', async () => {
    const service = await openEventService(
      'widgets',
      { DATABASE_URL: databaseUrl, NATS_URL: nats.url, NATS_STREAM_REPLICAS: 1 },
      { schema, migrationsFolder, logger: pino({ level: 'silent' }) },
    );
    // Readiness is the database alone: NATS is a dependency the outbox rides out.
    expect(Object.keys(service.readiness)).toEqual(['db']);
    await expect(service.readiness.db()).resolves.toBeUndefined();
    await expect(service.dependencies.nats()).resolves.toBeUndefined();

    const event = createEvent('expiration.complete', { orderId: randomUUID() });
    await service.relay.transaction((tx) => enqueueEvent(tx, event));
    const jsm = await jetstreamManager(service.nc);
    await waitFor(async () => (await jsm.streams.info('TICKETING')).state.messages === 1);

    for (const step of service.shutdown) await step();
    expect(service.nc.isClosed()).toBe(true);
  });
});
