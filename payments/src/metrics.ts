import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from './gateway/breaker.gateway';

/** The payments service's own Prometheus metrics, next to the HTTP ones of common. */
export interface PaymentMetrics {
  succeeded: Counter;
  declined: Counter;
  refunded: Counter;
  breakerState: Gauge;
  /** Adds the metrics to an app's registry (`app.locals.metrics.registry`). */
  register(registry: Registry): void;
}

const STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createPaymentMetrics(gateway: { readonly state: BreakerState }): PaymentMetrics {
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
  const all = [
    ['payments_succeeded_total', succeeded],
    ['payments_declined_total', declined],
    ['payments_refunded_total', refunded],
    ['payments_gateway_breaker_state', breakerState],
  ] as const;
  return {
    succeeded,
    declined,
    refunded,
    breakerState,
    register(registry) {
      for (const [name, metric] of all) {
        if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
      }
    },
  };
}
