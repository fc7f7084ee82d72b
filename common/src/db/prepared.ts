import type { QueryResultRow } from 'pg';
import type { Executor } from './create-database';

/** What runs a query: a pool, or the connection of a transaction. */
interface Queryable {
  query<R extends QueryResultRow>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/** The `pg` pool or connection behind a Drizzle database or transaction. */
export function clientOf(executor: Executor): Queryable {
  const client = (executor as unknown as { session?: { client?: Queryable } }).session?.client;
  if (typeof client?.query !== 'function') throw new Error('not a node-postgres database or transaction');
  return client;
}

/**
 * A statement for the hottest paths (a reservation, an event every sale causes): SQL text written
 * once, run as a named prepared statement, so PostgreSQL parses and plans it once per connection
 * and no query is built per call. `run(executor, values)` runs it on `executor` — the pool, or
 * the connection of the transaction it is given — with `$1, $2, …` bound to `values`, and returns
 * the rows as `pg` parses them (column names; `timestamptz` as Date, `bigint` as string).
 *
 * Everything else uses Drizzle's query builder; these trade it for speed where a request or an
 * event pays for every statement. `name` must be unique in the process.
 */
export function preparedStatement<R extends QueryResultRow>(name: string, text: string) {
  // A statement that writes to the outbox (withEventSql) tells the relay's transaction to wake it.
  const queuesEvent = /\binsert\s+into\s+outbox\b/i.test(text);
  return {
    name,
    text,
    async run(executor: Executor, values: unknown[]): Promise<R[]> {
      const client = clientOf(executor);
      const { rows } = await client.query<R>({ name, text, values });
      if (queuesEvent) noteEventQueued(client);
      return rows;
    },
  };
}

/** Connections whose open transaction wrote an outbox row since it was last asked. */
const queuedOn = new WeakSet<object>();

/**
 * Notes that `connection` (a transaction's `pg` client, see {@link clientOf}) wrote an event to
 * the outbox, so the relay's transaction knows it has something to publish once it commits.
 */
export function noteEventQueued(connection: object): void {
  queuedOn.add(connection);
}

/** Whether `connection` wrote an outbox row since the last call, and forgets it. */
export function takeEventQueued(connection: object): boolean {
  return queuedOn.delete(connection);
}
