import type { LoadResult } from '../lib/load';
import { fmt, type Row } from '../lib/report';

/** Reservations per second across many tickets ÷ the INSERT baseline's requests per second. */
export const RESERVATION_RATE_RATIO_GOAL = 0.1;
/** CPU per reservation, summed over every process ÷ CPU per INSERT request (same sum). */
export const RESERVATION_CPU_RATIO_GOAL = 6;
/** `POST /api/orders` p99 at 50 connections ÷ the INSERT baseline's p99. */
export const RESERVATION_P99_RATIO_GOAL = 5;

const cpuTotal = (result: LoadResult | undefined) => result?.cpuMsPerRequest?.total;

/**
 * The throughput goals as ratios to the same run's INSERT baseline (these machines vary about
 * 3× from run to run; the ratios much less): derived from the writes and drop scenarios.
 */
export function throughputRows(details: Record<string, unknown>, insert: LoadResult): Row[] {
  const rows: Row[] = [];
  const many = details['drop many tickets'] as (LoadResult & { tickets: number; buyersPerTicket: number }) | undefined;
  if (many) {
    const ratio = many.rps / insert.rps;
    rows.push({
      group: 'throughput',
      scenario: `reservations/s, ${many.tickets.toLocaleString('en-US')} tickets × ${many.buyersPerTicket} buyers ÷ INSERT req/s`,
      value: `${fmt.rps(many.rps)}`,
      baseline: `insert ${fmt.rps(insert.rps)}`,
      ratio,
      goal: `≥ ${RESERVATION_RATE_RATIO_GOAL}×`,
      met: ratio >= RESERVATION_RATE_RATIO_GOAL,
    });
  }
  const writes = details.writes as LoadResult | undefined;
  const writesCpu = cpuTotal(writes);
  const insertCpu = cpuTotal(insert);
  if (writes && writesCpu !== undefined && insertCpu !== undefined) {
    const ratio = writesCpu / insertCpu;
    rows.push({
      group: 'throughput',
      scenario: 'CPU per reservation, every process ÷ CPU per INSERT request',
      value: `${writesCpu.toFixed(2)} ms`,
      baseline: `insert ${insertCpu.toFixed(2)} ms`,
      ratio,
      goal: `≤ ${RESERVATION_CPU_RATIO_GOAL}×`,
      met: ratio <= RESERVATION_CPU_RATIO_GOAL,
    });
  }
  if (writes) {
    const ratio = writes.p99 / insert.p99;
    rows.push({
      group: 'throughput',
      scenario: 'POST /api/orders p99 (50 conn) ÷ INSERT p99',
      value: fmt.ms(writes.p99),
      baseline: `insert ${fmt.ms(insert.p99)}`,
      ratio,
      goal: `≤ ${RESERVATION_P99_RATIO_GOAL}×`,
      met: ratio <= RESERVATION_P99_RATIO_GOAL,
    });
  }
  return rows;
}
