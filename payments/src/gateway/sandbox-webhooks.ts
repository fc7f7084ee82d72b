import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@ticketing/common';
import Stripe from 'stripe';

export interface SandboxWebhooksOptions {
  /** Where the events go: the service's own webhook endpoint. */
  url: string;
  /** The `whsec_…` the webhook verifies signatures with. */
  secret: string;
  logger: Logger;
  /** Pause before the first delivery, as Stripe's events arrive a moment after the API answer (default 200 ms). */
  delayMs?: number;
  /** Pauses between failed deliveries (default 1, 2, 4, 8, 16 s); then the event is given up, logged. */
  retryDelaysMs?: readonly number[];
}

/** The kinds of event the sandbox sends, as Stripe names them. */
export type SandboxEventType = 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'charge.refunded';

/**
 * What the Stripe CLI's `stripe listen --forward-to` gives a developer, for the offline sandbox:
 * each event is signed with the webhook secret and POSTed to the service's own webhook, after a
 * short delay and outside the API call, so the webhook path runs on the default platform too.
 * Deliveries that fail are retried a few times (Stripe retries for days; the reconciler covers an
 * event given up on).
 */
export class SandboxWebhooks {
  readonly #options: Required<SandboxWebhooksOptions>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  constructor(options: SandboxWebhooksOptions) {
    this.#options = { delayMs: 200, retryDelaysMs: [1_000, 2_000, 4_000, 8_000, 16_000], ...options };
  }

  /** Queues the delivery of one event about `object`; returns at once. */
  send(type: SandboxEventType, object: Record<string, unknown>): void {
    if (this.#abort.signal.aborted) return;
    const payload = JSON.stringify({
      id: `evt_sandbox_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object },
    });
    const delivery = this.#deliver(type, payload).finally(() => this.#inFlight.delete(delivery));
    this.#inFlight.add(delivery);
  }

  /** Stops delivering: pending deliveries are abandoned (shutdown). */
  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  async #deliver(type: SandboxEventType, payload: string): Promise<void> {
    const { url, secret, logger, delayMs, retryDelaysMs } = this.#options;
    const signal = this.#abort.signal;
    try {
      await sleep(delayMs, undefined, { signal });
      for (let attempt = 0; ; attempt++) {
        const failure = await this.#post(url, payload, Stripe.webhooks.generateTestHeaderString({ payload, secret }));
        if (failure === undefined) return;
        const retryInMs = retryDelaysMs[attempt];
        if (retryInMs === undefined) {
          logger.warn({ type, url, failure }, 'sandbox webhook event given up after its retries');
          return;
        }
        logger.info({ type, url, failure, retryInMs }, 'sandbox webhook delivery failed; retrying');
        await sleep(retryInMs, undefined, { signal });
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  /** Undefined when the webhook answered 2xx; otherwise why not. */
  async #post(url: string, payload: string, signature: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(10_000)]),
      });
      await response.arrayBuffer();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      if (this.#abort.signal.aborted) throw error;
      return error instanceof Error ? error.message : String(error);
    }
  }
}
