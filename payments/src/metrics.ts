import type { Database } from '@ticketing/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { oldestUnsettledPaymentAt } from './db/payments.repository';
import { failedPayoutCount, payoutReversalsDueCount } from './db/payouts.repository';
import { refundBacklog } from './db/refunds.repository';
import type { BreakerState } from './gateway/breaker.gateway';

/** The payments service's own Prometheus metrics, next to the HTTP ones of common. */
export interface PaymentMetrics {
  succeeded: Counter;
  declined: Counter;
  refunded: Counter;
  breakerState: Gauge;
  /** Refund intents the gateway refused for good, waiting for an operator (refund_failed). */
  refundsFailed: Gauge;
  /** Refund intents still to be performed. */
  refundsPending: Gauge;
  /** Payouts whose transfer was refused repeatedly, parked for an operator. */
  payoutsFailed: Gauge;
  /** Age of the oldest payment still pending or errored: the reconciler is behind when it grows. */
  oldestUnsettled: Gauge;
  /** Adds the metrics to an app's registry (`app.locals.metrics.registry`). */
  register(registry: Registry): void;
}

const STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createPaymentMetrics(gateway: { readonly state: BreakerState }, db: Database): PaymentMetrics {
  const succeeded = new Counter({
    name: 'payments_succeeded_total',
    help: 'Payments that succeeded (direct confirmation or webhook), counted once each',
    registers: [],
  });
  const declined = new Counter({
    name: 'payments_declined_total',
    help: 'Payments the card issuer declined or that needed an authentication this checkout does not support',
    registers: [],
  });
  const refunded = new Counter({
    name: 'payments_refunded_total',
    help: 'Payments refunded because their order was cancelled or already paid',
    registers: [],
  });
  const breakerState = new Gauge({
    name: 'payments_gateway_breaker_state',
    help: 'Circuit breaker in front of the payment gateway: 0 closed, 1 half-open, 2 open',
    registers: [],
    collect() {
      this.set(STATE_VALUES[gateway.state]);
    },
  });
  // Read from the database at each scrape, so every replica reports the same truth.
  const refundsFailed = new Gauge({
    name: 'ticketing_refunds_failed',
    help: 'Refund intents the payment gateway refused for good (refund_failed), waiting for an operator',
    registers: [],
    async collect() {
      this.set((await refundBacklog(db)).failed);
    },
  });
  const refundsPending = new Gauge({
    name: 'ticketing_refunds_pending',
    help: 'Refund intents not yet confirmed by the payment gateway',
    registers: [],
    async collect() {
      this.set((await refundBacklog(db)).pending);
    },
  });
  const payoutsFailed = new Gauge({
    name: 'payments_payouts_failed',
    help: 'Payouts whose transfer the payment gateway refused PAYOUT_MAX_ATTEMPTS times (failed), waiting for an operator',
    registers: [],
    async collect() {
      this.set(await failedPayoutCount(db));
    },
  });
  const payoutReversalsDue = new Gauge({
    name: 'payments_payout_reversals_due',
    help: 'Payouts whose buyer was refunded but which are not cancelled or reversed yet (the scheduler settles each within a sweep)',
    registers: [],
    async collect() {
      this.set(await payoutReversalsDueCount(db));
    },
  });
  const oldestUnsettled = new Gauge({
    name: 'ticketing_reconciler_oldest_unsettled_seconds',
    help: 'Seconds since the oldest payment still pending or errored was last touched (0 when none)',
    registers: [],
    async collect() {
      const oldest = await oldestUnsettledPaymentAt(db);
      this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    },
  });
  const all = [
    ['payments_succeeded_total', succeeded],
    ['payments_declined_total', declined],
    ['payments_refunded_total', refunded],
    ['payments_gateway_breaker_state', breakerState],
    ['ticketing_refunds_failed', refundsFailed],
    ['ticketing_refunds_pending', refundsPending],
    ['payments_payouts_failed', payoutsFailed],
    ['payments_payout_reversals_due', payoutReversalsDue],
    ['ticketing_reconciler_oldest_unsettled_seconds', oldestUnsettled],
  ] as const;
  return {
    succeeded,
    declined,
    refunded,
    breakerState,
    refundsFailed,
    refundsPending,
    payoutsFailed,
    oldestUnsettled,
    register(registry) {
      for (const [name, metric] of all) {
        if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
      }
    },
  };
}
