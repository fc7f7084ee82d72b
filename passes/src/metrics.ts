import type { Database } from '@ticketing/common';
import { count, sql } from 'drizzle-orm';
import { Counter, Gauge, type Metric, type Registry } from 'prom-client';
import { passes } from './db/schema';

/** The passes service's own Prometheus metrics, next to the HTTP ones of common. */
export interface PassMetrics {
  issued: Counter;
  revoked: Counter;
  admitted: Counter;
  /**
   * Scans refused, by reason (`invalid`, `not-organizer`, `not-for-event`, `revoked`, `listed`,
   * `already-admitted`).
   */
  scansRefused: Counter<'reason'>;
  /**
   * Completed orders of resale listings that issued no pass, by the resold pass's state
   * (`admitted`, `revoked`, `missing`): the buyer paid and holds nothing; an operator must act.
   */
  resaleConflicts: Counter<'reason'>;
  /** Adds the metrics to an app's registry (`app.locals.metrics.registry`). */
  register(registry: Registry): void;
}

export function createPassMetrics(db: Database): PassMetrics {
  const issued = new Counter({
    name: 'passes_issued_total',
    help: 'Passes issued to the buyers of completed orders (first passes and reissues)',
    registers: [],
  });
  const revoked = new Counter({
    name: 'passes_revoked_total',
    help: 'Passes revoked: their ticket was reissued to a new buyer, or their buyer was refunded',
    registers: [],
  });
  const admitted = new Counter({
    name: 'passes_admitted_total',
    help: 'Passes admitted at the door, once each',
    registers: [],
  });
  const scansRefused = new Counter({
    name: 'passes_scans_refused_total',
    help: 'Scans that admitted nobody, by reason; many `invalid` ones mean forged codes or a key that was rotated out',
    labelNames: ['reason'] as const,
    registers: [],
  });
  const resaleConflicts = new Counter({
    name: 'passes_resale_conflicts_total',
    help: 'Completed resale orders that issued no pass because the resold pass was admitted or revoked meanwhile; each needs an operator',
    labelNames: ['reason'] as const,
    registers: [],
  });
  // Each reason's series starts at 0, so the first conflict is an increase an alert can see.
  for (const reason of ['admitted', 'revoked', 'missing']) resaleConflicts.inc({ reason }, 0);
  // Read from the database at each scrape, so every replica reports the same truth.
  const byStatus = new Gauge({
    name: 'passes_by_status',
    help: 'Passes in the database, by status',
    labelNames: ['status'] as const,
    registers: [],
    async collect() {
      const rows = await db
        .select({ status: passes.status, total: count() })
        .from(passes)
        .groupBy(sql`${passes.status}`);
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row.total);
    },
  });
  const all: ReadonlyArray<readonly [string, Metric]> = [
    ['passes_issued_total', issued],
    ['passes_revoked_total', revoked],
    ['passes_admitted_total', admitted],
    ['passes_scans_refused_total', scansRefused],
    ['passes_resale_conflicts_total', resaleConflicts],
    ['passes_by_status', byStatus],
  ];
  return {
    issued,
    revoked,
    admitted,
    scansRefused,
    resaleConflicts,
    register(registry) {
      for (const [name, metric] of all) {
        if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
      }
    },
  };
}
