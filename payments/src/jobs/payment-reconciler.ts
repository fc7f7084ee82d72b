import { PeriodicJob } from '@ticketing/common';
import { findUnsettledPayments } from '../db/payments.repository';
import type { PaymentsDeps } from '../domain/deps';
import { type ReconcileOutcome, reconcilePayment } from '../domain/reconcile-payment';

export interface PaymentReconcilerOptions {
  payments: PaymentsDeps;
  /** Pause between two runs; 0 turns the reconciler off (RECONCILE_INTERVAL_SECONDS). */
  intervalMs: number;
  /** Payments pending or errored for longer than this are settled with the gateway (RECONCILE_AFTER_SECONDS). */
  unsettledAfterMs: number;
  /** Payments looked at per run at most (default 50). */
  batchSize?: number;
}

/**
 * Settles, every interval, the payments whose outcome was never recorded — the buyer's request
 * timed out, the gateway failed, or the service crashed after the gateway charged — by asking
 * the gateway (see {@link reconcilePayment}). Several replicas may run it: each settlement is a
 * conditional transition that only one of them makes.
 */
export class PaymentReconciler extends PeriodicJob {
  readonly #payments: PaymentsDeps;
  readonly #unsettledAfterMs: number;
  readonly #batchSize: number;

  constructor({ payments, intervalMs, unsettledAfterMs, batchSize = 50 }: PaymentReconcilerOptions) {
    super({ name: 'payment-reconciler', logger: payments.logger, intervalMs });
    this.#payments = payments;
    this.#unsettledAfterMs = unsettledAfterMs;
    this.#batchSize = batchSize;
  }

  /** Reconciles the payments unsettled for longer than the threshold at `now`. */
  override async runOnce(now: Date = new Date()): Promise<ReconcileOutcome[]> {
    const due = await findUnsettledPayments(
      this.#payments.db,
      new Date(now.getTime() - this.#unsettledAfterMs),
      this.#batchSize,
    );
    const outcomes: ReconcileOutcome[] = [];
    for (const payment of due) {
      const outcome = await reconcilePayment(this.#payments, payment);
      outcomes.push(outcome);
      this.#payments.logger.info({ paymentId: payment.id, orderId: payment.orderId, outcome }, 'payment reconciled');
    }
    return outcomes;
  }
}
