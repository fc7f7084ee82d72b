import type { Logger } from '@ticketing/common';
import { findOverdueOrderIds } from '../db/orders.repository';
import type { OrdersDeps } from '../domain/deps';
import { expireOrder } from '../domain/order-lifecycle';

export interface OverdueOrdersSweepOptions {
  orders: OrdersDeps;
  logger: Logger;
  /** Pause between two sweeps; 0 disables the sweep. */
  intervalMs: number;
  /** Orders read per query (default 100). */
  batchSize?: number;
}

/**
 * Cancels reservations that are still `created` past their expiry, with the same use case as
 * expiration.complete. The timer (expiration service) normally gets there first; the sweep makes
 * expiry hold when a timer is lost or late. Both are idempotent: an order is cancelled, and its
 * order.cancelled written, once. Several replicas may sweep at once — the row lock serialises them.
 */
export class OverdueOrdersSweep {
  readonly #orders: OrdersDeps;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #current: Promise<unknown> | undefined;

  constructor({ orders, logger, intervalMs, batchSize = 100 }: OverdueOrdersSweepOptions) {
    this.#orders = orders;
    this.#logger = logger.child({ component: 'overdue-orders-sweep' });
    this.#intervalMs = intervalMs;
    this.#batchSize = batchSize;
  }

  /** Sweeps now and then every interval, until {@link stop}. Does nothing when the interval is 0. */
  start(): void {
    if (this.#running || this.#intervalMs <= 0) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops sweeping; resolves once a sweep in progress has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  /** One sweep: cancels every order overdue at `now`; resolves with how many this sweep cancelled. */
  async runOnce(now: Date = new Date()): Promise<number> {
    let cancelled = 0;
    for (;;) {
      const ids = await findOverdueOrderIds(this.#orders.db, now, this.#batchSize);
      for (const id of ids) {
        if ((await expireOrder(this.#orders, id, {}, now)) === 'cancelled') cancelled += 1;
      }
      // Each id found is cancelled now (or was by someone else), so the next query moves on.
      if (ids.length < this.#batchSize) break;
    }
    if (cancelled > 0) this.#logger.info({ cancelled }, 'overdue orders cancelled');
    return cancelled;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#current = this.runOnce()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'sweeping overdue orders failed'))
        .finally(() => {
          this.#current = undefined;
          this.#schedule(this.#intervalMs);
        });
    }, delayMs);
    // The HTTP server keeps the process alive; the sweep alone must not.
    this.#timer.unref();
  }
}
