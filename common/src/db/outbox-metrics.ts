import { and, asc, isNull } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Executor } from './create-database';
import { outbox } from './outbox';
import { parkedOutboxRows, pendingOutboxCount } from './outbox-relay';

/**
 * The outbox's backlog in the app's `/metrics`, read from the database at each scrape:
 * `ticketing_outbox_pending` (rows waiting for the relay) and
 * `ticketing_outbox_oldest_pending_seconds` (how long the oldest of them has waited; 0 when none)
 * and `ticketing_outbox_parked` (rows the relay gave up on while NATS was healthy).
 * A backlog that only grows means events are not reaching NATS: the OutboxBacklogOld alert.
 */
export function registerOutboxMetrics(registry: Registry, db: Executor): void {
  new Gauge({
    name: 'ticketing_outbox_pending',
    help: 'Outbox rows waiting to be published',
    registers: [registry],
    async collect() {
      const pending = await pendingOutboxCount(db).catch(() => undefined);
      if (pending !== undefined) this.set(pending);
    },
  });
  new Gauge({
    name: 'ticketing_outbox_parked',
    help: 'Outbox rows that could not be published while NATS was healthy, parked for an operator',
    registers: [registry],
    async collect() {
      const parked = await parkedOutboxRows(db).catch(() => undefined);
      if (parked !== undefined) this.set(parked.length);
    },
  });
  new Gauge({
    name: 'ticketing_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox row waiting to be published, in seconds (0 when none waits)',
    registers: [registry],
    async collect() {
      const oldest = await oldestPendingAt(db).catch(() => null);
      if (oldest === null) return;
      this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    },
  });
}

/** When the oldest pending row was written; undefined when none waits. */
async function oldestPendingAt(db: Executor): Promise<Date | undefined> {
  // The oldest pending row is the one with the lowest id: the partial pending index finds it.
  const [row] = await db
    .select({ createdAt: outbox.createdAt })
    .from(outbox)
    .where(and(isNull(outbox.publishedAt), isNull(outbox.parkedAt)))
    .orderBy(asc(outbox.id))
    .limit(1);
  return row?.createdAt;
}
