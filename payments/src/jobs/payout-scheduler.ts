import { PeriodicJob } from '@ticketing/common';
import { claimDuePayout, claimRefundedPayout } from '../db/payouts.repository';
import type { PaymentsDeps } from '../domain/deps';
import { type RefundedPayoutOutcome, settleRefundedPayout } from '../domain/payout-refunds';
import { attemptPayout, type PayoutAttemptOutcome } from '../domain/payouts';

export interface PayoutSchedulerOptions {
  payments: PaymentsDeps;
  /** Pause between two sweeps (PAYOUT_INTERVAL_SECONDS; 0: the scheduler does not run by itself). */
  intervalMs: number;
  /** Refused transfers before a payout is parked as `failed` (PAYOUT_MAX_ATTEMPTS, default 5). */
  maxAttempts?: number;
  /** First retry delay after a failed transfer, doubled after each (default 1 min). */
  retryBaseMs?: number;
  /** Longest retry delay (default 1 h). */
  retryMaxMs?: number;
  /**
   * How long a payout taken by a scheduler is hidden from the others (default 5 min): longer than
   * a transfer can take with its retries, so two schedulers never transfer at once; if the one
   * that took it dies, another takes it after the lease and repeats the transfer with its key.
   */
  leaseMs?: number;
  /** Payouts handled per sweep at most (default 50); the next sweep takes the rest. */
  batchSize?: number;
}

/**
 * Pays sellers whose payout is due: a sweep over the data every `intervalMs` (no in-memory timers,
 * so nothing is lost with a restart), safe on every replica — each due payout is taken by one
 * scheduler at a time (SKIP LOCKED and a lease) and transferred with its idempotency key.
 */
export class PayoutScheduler extends PeriodicJob {
  readonly #payments: PaymentsDeps;
  readonly #options: Required<Omit<PayoutSchedulerOptions, 'payments' | 'intervalMs'>>;

  constructor({ payments, intervalMs, ...options }: PayoutSchedulerOptions) {
    super({ name: 'payout-scheduler', logger: payments.logger, intervalMs });
    this.#payments = payments;
    this.#options = {
      maxAttempts: 5,
      retryBaseMs: 60_000,
      retryMaxMs: 60 * 60_000,
      leaseMs: 5 * 60_000,
      batchSize: 50,
      ...options,
    };
  }

  /**
   * One sweep: settles the payouts whose buyer was refunded (cancelled, or their transfer reversed),
   * then attempts every payout due now, up to the batch size each; resolves with what each came to.
   */
  override async runOnce(): Promise<(PayoutAttemptOutcome | RefundedPayoutOutcome)[]> {
    const { leaseMs, batchSize, retryBaseMs, retryMaxMs, maxAttempts } = this.#options;
    const retryDelayMs = (attempts: number) => Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs);
    const settled: RefundedPayoutOutcome[] = [];
    const sweptAt = new Date();
    while (settled.length < batchSize) {
      const payout = await claimRefundedPayout(this.#payments.db, { leaseMs, dueBy: sweptAt });
      if (!payout) break;
      settled.push(await settleRefundedPayout(this.#payments, payout, { now: new Date(), retryDelayMs }));
    }
    const outcomes: PayoutAttemptOutcome[] = [];
    const dueBy = new Date();
    while (outcomes.length < batchSize) {
      const payout = await claimDuePayout(this.#payments.db, {
        holdHours: this.#payments.payoutHoldHours,
        leaseMs,
        dueBy,
      });
      if (!payout) break;
      outcomes.push(
        await attemptPayout(this.#payments, payout, {
          now: new Date(),
          maxAttempts,
          retryDelayMs,
        }),
      );
    }
    return [...settled, ...outcomes];
  }
}
