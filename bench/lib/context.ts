import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { type CpuSnapshot, cpuPerRequest, cpuSnapshot } from './cpu';
import type { LoadResult } from './load';
import type { BenchPlatform, ServiceName } from './platform';
import type { Row } from './report';
import { until } from './util';

/** The services that publish through an outbox (expiration publishes from its jobs). */
const OUTBOX_SERVICES: readonly ServiceName[] = ['auth', 'tickets', 'orders', 'payments', 'passes'];

export interface Settings {
  /** Seconds of measured load per scenario. */
  durationS: number;
  /** Seconds of unmeasured load before it. */
  warmupS: number;
  /** Concurrent connections of the throughput scenarios. */
  connections: number;
}

/** What a scenario gets: the running platform, its databases and event stream, and where to report. */
export interface PlatformContext {
  platform: BenchPlatform;
  jwtKey: string;
  settings: Settings;
  /** A pool on the service's own database. */
  db(service: Extract<ServiceName, 'tickets' | 'orders' | 'passes'>): Pool;
  nats: NatsConnection;
  rows: Row[];
  details: Record<string, unknown>;
  /** Outboxes empty and every consumer caught up: the background work of the last scenario is over. */
  settle(): Promise<void>;
  /** CPU time used so far by each process of the platform, by PostgreSQL and by the load generator. */
  cpu(): CpuSnapshot;
  /**
   * Runs `fn`, waits for the platform to settle, and adds the CPU milliseconds per answer of each
   * process to its result: the events the answers caused count even when they were published or
   * applied after the last answer (a relay or a consumer that fell behind the load only defers
   * its work, it does not save it).
   */
  measured(fn: () => Promise<LoadResult>): Promise<LoadResult>;
  close(): Promise<void>;
}

export async function platformContext(
  platform: BenchPlatform,
  jwtKey: string,
  settings: Settings,
  rows: Row[],
  details: Record<string, unknown>,
): Promise<PlatformContext> {
  const pools = new Map<string, Pool>();
  const db = (service: string) => {
    let pool = pools.get(service);
    if (!pool) {
      pool = new Pool({ connectionString: platform.databaseUrl(service), max: 2 });
      pools.set(service, pool);
    }
    return pool;
  };
  const nats = await connect({ servers: platform.natsUrl, name: 'bench', ...platform.natsOperator });
  const jsm = await jetstreamManager(nats);

  const settle = async () => {
    await until(
      async () => {
        for (const service of OUTBOX_SERVICES) {
          const { rows: pending } = await db(service).query<{ n: number }>(
            'select count(*)::int as n from outbox where published_at is null and parked_at is null',
          );
          if (pending[0]!.n > 0) return false;
        }
        for await (const consumer of jsm.consumers.list('TICKETING')) {
          if (consumer.num_pending > 0 || consumer.num_ack_pending > 0) return false;
        }
        return true;
      },
      'the platform to settle (outboxes published, consumers caught up)',
      { timeoutMs: 120_000, intervalMs: 100 },
    );
  };

  const postgresPort = localPort(platform.databaseUrl('postgres'));
  const cpu = () => cpuSnapshot(platform.pid, postgresPort);
  return {
    platform,
    cpu,
    async measured(fn) {
      const before = cpu();
      const result = await fn();
      const ended = performance.now();
      await settle();
      const settledAfterMs = Math.round(performance.now() - ended);
      return { ...result, cpuMsPerRequest: cpuPerRequest(before, cpu(), result.total), settledAfterMs };
    },
    jwtKey,
    settings,
    db,
    nats,
    rows,
    details,
    settle,
    async close() {
      if (nats.isClosed()) return;
      await nats.close();
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

/** The port of a PostgreSQL server on this machine (its processes can be measured), else undefined. */
export function localPort(databaseUrl: string): number | undefined {
  const url = new URL(databaseUrl);
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ? Number(url.port || 5432) : undefined;
}
