import {
  closeRedisConnection,
  connectNats,
  createLogger,
  createPublisher,
  createRedisConnection,
  ensureDeadLetterStream,
  ensureStream,
  eventOperationCommands,
  natsReadiness,
  redisReadiness,
  registerDeadLetterGauge,
  runMain,
  STREAM_NAME,
  serve,
  serveAdminCommands,
  streamBounds,
} from '@ticketing/common';
import { createApp } from './app';
import { loadExpirationConfig } from './config';
import { OrderCreatedListener } from './events/listeners/order-created.listener';
import { createExpirationMetrics } from './metrics';
import { closeExpirationWorker, createExpirationWorker } from './queue/expiration.worker';
import { createExpirationQueue } from './queue/expiration-queue';

// Start-up order: config → Redis → NATS (stream) → worker → listener → HTTP.
runMain('expiration', async () => {
  const config = loadExpirationConfig();
  const logger = createLogger('expiration', config.LOG_LEVEL);
  const redis = { url: config.REDIS_URL, logger };
  // Scheduling fails fast during a Redis outage (the event is redelivered); the worker waits it out.
  const queueRedis = createRedisConnection({ ...redis, name: 'expiration-queue', maxRetriesPerRequest: 2 });
  const workerRedis = createRedisConnection({ ...redis, name: 'expiration-worker', maxRetriesPerRequest: null });
  const nc = await connectNats({
    url: config.NATS_URL,
    name: 'expiration',
    logger,
    ...(config.NATS_PASSWORD ? { user: config.NATS_USER ?? 'expiration', pass: config.NATS_PASSWORD } : {}),
  });
  await ensureStream(nc, streamBounds(config));
  await ensureDeadLetterStream(nc, { replicas: config.NATS_STREAM_REPLICAS });

  const queue = createExpirationQueue(queueRedis, logger);
  const metrics = createExpirationMetrics({ queue, redis: queueRedis });
  const publish = createPublisher(nc, { expect: { streamName: STREAM_NAME } });
  const worker = createExpirationWorker({ connection: workerRedis, publish, metrics, logger });
  const listener = new OrderCreatedListener({
    nc,
    service: 'expiration',
    logger,
    scheduler: { queue, metrics, logger },
  });
  await listener.listen();

  const operations = serveAdminCommands(nc, {
    service: 'expiration',
    handlers: eventOperationCommands(nc, { service: 'expiration', listeners: [listener] }),
    logger,
  });

  const dependencies = { redis: redisReadiness(queueRedis), nats: natsReadiness(nc) };
  const app = createApp({ logger, dependencies, metrics, trustProxy: config.TRUST_PROXY });
  registerDeadLetterGauge(app.locals.metrics.registry, nc, 'expiration');
  serve({
    service: 'expiration',
    app,
    port: config.PORT,
    host: config.HOST,
    logger,
    cleanup: [
      () => operations.stop(),
      () => listener.close(),
      () => closeExpirationWorker(worker, workerRedis),
      () => queue.close(),
      () => nc.drain(),
      () => Promise.all([closeRedisConnection(queueRedis), closeRedisConnection(workerRedis)]),
    ],
  });
});
