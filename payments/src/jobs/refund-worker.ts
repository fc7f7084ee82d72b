import { PeriodicJob } from '@ticketing/common';
import { claimDueRefund } from '../db/refunds.repository';
import type { PaymentsDeps } from '../domain/deps';
import { attemptRefund, type RefundAttemptOutcome } from '../domain/refunds';

export interface RefundWorkerOptions {
  payments: PaymentsDeps;
  /** Pause between two looks for due intents (default 2 s); a committed intent wakes the worker at once. */
  intervalMs?: number;
  /** First retry delay after a failed gateway call, doubled after each (default 1 s). */
  retryBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  retryMaxMs?: number;
  /** Wait for a charge in flight or one the reconciler has yet to settle (default 10 s). */
  deferMs?: number;
  /** The reconciler's threshold: a charge unanswered for longer is looked up at the gateway. */
  unsettledAfterMs: number;
  /** How long an intent taken by a worker is hidden from the others (default 60 s). */
  leaseMs?: number;
  /** Intents handled per run at most (default 20). */
  batchSize?: number;
}

/**
 * Performs the refund intents: each is retried with back-off until the gateway confirms, closed
 * when no money was taken, or parked when the gateway refuses it for good. Every replica may run
 * one; an intent is taken by one worker at a time.
 */
export class RefundWorker extends PeriodicJob {
  readonly #payments: PaymentsDeps;
  readonly #options: Required<Omit<RefundWorkerOptions, 'payments' | 'intervalMs'>>;

  constructor({ payments, intervalMs = 2_000, ...options }: RefundWorkerOptions) {
    super({ name: 'refund-worker', logger: payments.logger, intervalMs });
    this.#payments = payments;
    this.#options = {
      retryBaseMs: 1_000,
      retryMaxMs: 5 * 60_000,
      deferMs: 10_000,
      leaseMs: 60_000,
      batchSize: 20,
      ...options,
    };
  }

  /** Attempts every intent due now, up to the batch size; resolves with what each came to. */
  override async runOnce(): Promise<RefundAttemptOutcome[]> {
    const { leaseMs, batchSize, retryBaseMs, retryMaxMs, deferMs, unsettledAfterMs } = this.#options;
    const outcomes: RefundAttemptOutcome[] = [];
    while (outcomes.length < batchSize) {
      const intent = await claimDueRefund(this.#payments.db, leaseMs);
      if (!intent) break;
      outcomes.push(
        await attemptRefund(this.#payments, intent, {
          now: new Date(),
          retryDelayMs: (attempts) => Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs),
          deferMs,
          unsettledAfterMs,
        }),
      );
    }
    return outcomes;
  }
}
