import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { type Event, type EventData, parseEvent, STREAM_NAME, type Subject } from '../events';
import type { Logger } from '../logging';
import { RetryLaterError } from './retry-later-error';

export interface ListenerOptions {
  /** Time the server waits for an ack before redelivering (default 30 000 ms). */
  ackWaitMs?: number;
  /** Unacknowledged messages the consumer hands out at once, across all replicas (default 256). */
  maxAckPending?: number;
  /** Redelivery delay after a failed handler (default 1 000 ms). */
  nakDelayMs?: number;
  /** Deliveries before the server gives up on a message (default -1: never). */
  maxDeliver?: number;
  /** Default {@link STREAM_NAME}. */
  streamName?: string;
  /**
   * Messages pulled ahead of the handler (default 10). Kept small: a pulled message waits in
   * memory while its ack_wait runs, and other replicas cannot take it meanwhile.
   */
  batchSize?: number;
  /**
   * Lifetime of each pull request (default 30 000 ms, at least 1 000). The server sends idle
   * heartbeats every half of it; two missed ones make the listener check its consumer, so a
   * deleted consumer is noticed and recreated after about this long. After a reconnect, nats.js
   * checks the consumer at once and, while that check fails, again every this long.
   */
  pullExpiresMs?: number;
}

export interface ListenerDeps {
  /** The service's connection, from `connectNats`. */
  nc: NatsConnection;
  /** The service's name, e.g. `orders`; every replica of the service shares one durable consumer. */
  service: string;
  logger: Logger;
  options?: ListenerOptions;
}

/** What a handler gets besides the event's data. */
export interface MessageContext<S extends Subject> {
  event: Event<S>;
  /** The JetStream message (`@nats-io/jetstream`), e.g. for `msg.working()` in a slow handler. */
  msg: JsMsg;
  /** 0 on the first delivery, 1 on the first redelivery, … */
  redeliveryCount: number;
}

/** The durable consumer name of a (service, subject) pair, e.g. `orders-ticket-created`. */
export function durableName(service: string, subject: Subject): string {
  return `${service}-${subject.replaceAll('.', '-')}`;
}

const MAX_RESTART_DELAY_MS = 5_000;

/**
 * Base class of every event listener: a typed entry point over a durable JetStream pull
 * consumer. Subclasses set `subject` and implement `onMessage`; the base class owns the
 * outcomes:
 *
 * - payload that is not JSON or fails the subject's schema → `term()` + warn (never retried);
 * - handler resolves → ack (and only then: ack after the handler's transaction committed);
 * - handler throws {@link RetryLaterError} → `nak(delayMs ?? nakDelayMs)`, logged at info;
 * - handler throws anything else → `nak(nakDelayMs)`, logged at error.
 *
 * Messages are handled one at a time. Every replica of a service uses the same durable
 * (`${service}-${subject with '.' → '-'}`), so each message is handled by one replica — the
 * queue group of the original design. The consume loop re-establishes itself after a NATS
 * outage or a deleted consumer until {@link Listener.close} is called.
 */
export abstract class Listener<S extends Subject> {
  /** The subject this listener consumes. */
  abstract readonly subject: S;

  protected readonly nc: NatsConnection;
  protected readonly service: string;
  private readonly baseLogger: Logger;
  private readonly options: Required<ListenerOptions>;
  private childLogger?: Logger;
  private starting?: Promise<void>;
  private running?: Promise<void>;
  private messages?: ConsumerMessages;
  private closing = false;
  /** Aborted by close(): interrupts the wait between two consume attempts. */
  private readonly closeSignal = new AbortController();

  constructor({ nc, service, logger, options = {} }: ListenerDeps) {
    this.nc = nc;
    this.service = service;
    this.baseLogger = logger;
    this.options = {
      ackWaitMs: options.ackWaitMs ?? 30_000,
      maxAckPending: options.maxAckPending ?? 256,
      nakDelayMs: options.nakDelayMs ?? 1_000,
      maxDeliver: options.maxDeliver ?? -1,
      streamName: options.streamName ?? STREAM_NAME,
      batchSize: options.batchSize ?? 10,
      pullExpiresMs: options.pullExpiresMs ?? 30_000,
    };
  }

  /** Handles one event. Resolve to ack it; throw to have it redelivered (see the class notes). */
  protected abstract onMessage(data: EventData<S>, context: MessageContext<S>): Promise<void>;

  /** The durable consumer shared by every replica of the service. */
  get durableName(): string {
    return durableName(this.service, this.subject);
  }

  /** The logger, with the listener's subject and durable on every line. */
  protected get logger(): Logger {
    this.childLogger ??= this.baseLogger.child({ subject: this.subject, durable: this.durableName });
    return this.childLogger;
  }

  /**
   * Creates (or updates) the durable consumer, then consumes in the background. Rejects when
   * the consumer cannot be created, e.g. because the stream does not exist yet.
   */
  async listen(): Promise<void> {
    if (this.closing) throw new Error(`listener ${this.durableName} is closed`);
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined; // let the caller retry
      throw error;
    });
    await this.starting;
  }

  private async start(): Promise<void> {
    await this.ensureConsumer();
    // A closed connection does not end a consume: end it, so the loop sees the closed state.
    void this.nc.closed().then(() => this.messages?.stop());
    this.running = this.consumeLoop();
    this.logger.info('listening');
  }

  /** Stops pulling, lets the message in flight finish (and be acked), then resolves. */
  async close(): Promise<void> {
    this.closing = true;
    this.closeSignal.abort();
    await this.starting?.catch(() => {});
    this.messages?.stop();
    await this.running;
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const { streamName, ackWaitMs, maxAckPending, maxDeliver } = this.options;
    const tunable = { ack_wait: nanos(ackWaitMs), max_ack_pending: maxAckPending, max_deliver: maxDeliver };
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject,
      ...tunable,
    };
    try {
      await jsm.consumers.add(streamName, config);
    } catch (error) {
      // It exists with other settings (an older release of the service created it). Servers
      // 2.9 update it in place; 2.10+ refuse a "create" that differs, so update it explicitly.
      if (!isConsumerExists(error)) throw error;
      await jsm.consumers.update(streamName, this.durableName, tunable);
    }
  }

  private async consumeLoop(): Promise<void> {
    const js = jetstream(this.nc);
    let restarts = 0;
    while (!this.closing) {
      if (this.nc.isClosed()) {
        this.logger.warn('NATS connection closed; listener stopped');
        return;
      }
      try {
        if (restarts > 0) await this.ensureConsumer();
        const consumer = await js.consumers.get(this.options.streamName, this.durableName);
        const messages = await consumer.consume({
          max_messages: this.options.batchSize,
          expires: this.options.pullExpiresMs,
        });
        this.messages = messages;
        if (this.closing) messages.stop();
        this.watch(messages).catch(() => {});
        for await (const msg of messages) {
          restarts = 0;
          if (this.closing) {
            // Pulled but not started: hand it back at once to another replica.
            settle(() => msg.nak());
            continue;
          }
          await this.process(msg);
        }
      } catch (error) {
        if (!this.closing) this.logger.warn({ err: error }, 'consuming failed; restarting');
      } finally {
        this.messages = undefined;
      }
      if (this.closing) break;
      restarts += 1;
      const delayMs = Math.min(250 * 2 ** (restarts - 1), MAX_RESTART_DELAY_MS);
      this.logger.info({ delayMs, restarts }, 'consumer stopped; re-establishing it');
      await sleep(delayMs, undefined, { signal: this.closeSignal.signal }).catch(() => {});
    }
  }

  /** Ends the current consume when the consumer is gone, so the loop recreates it. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    // The iterator ends when the consume stops.
    for await (const status of messages.status()) {
      switch (status.type) {
        case 'consumer_deleted':
        case 'consumer_not_found':
        case 'stream_not_found':
          this.logger.warn({ status }, 'consumer unavailable');
          messages.stop();
          break;
        case 'heartbeats_missed':
          this.logger.info({ missed: status.count }, 'consumer heartbeats missed; checking the consumer');
          break;
        default:
          // pull requests, discarded pulls and other protocol chatter
          this.logger.trace({ status }, 'consumer status');
      }
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const where = { seq: msg.seq, msgSubject: msg.subject };
    let payload: unknown;
    try {
      payload = msg.json();
    } catch (error) {
      this.terminate(msg, `payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = parseEvent(this.subject, payload);
    if (!parsed.success) {
      this.terminate(msg, `payload does not match the ${this.subject} contract: ${parsed.error}`);
      return;
    }
    const { event } = parsed;
    const redeliveryCount = msg.info.deliveryCount - 1;
    const about = { ...where, eventId: event.eventId, correlationId: event.correlationId, redeliveryCount };
    try {
      await this.onMessage(event.data, { event, msg, redeliveryCount });
    } catch (error) {
      if (error instanceof RetryLaterError) {
        const delayMs = error.delayMs ?? this.options.nakDelayMs;
        this.logger.info({ ...about, delayMs, reason: error.message }, 'event not applicable yet; retrying later');
        settle(() => msg.nak(delayMs));
      } else {
        const { maxDeliver, nakDelayMs } = this.options;
        const lastTry = maxDeliver > 0 && redeliveryCount + 1 >= maxDeliver;
        this.logger.error(
          { ...about, err: error },
          lastTry ? 'handler failed; giving up (max_deliver reached)' : 'handler failed; retrying',
        );
        settle(() => msg.nak(nakDelayMs));
      }
      return;
    }
    try {
      // ackAck waits for the server's confirmation, so "handled" means "will not come back".
      await msg.ackAck();
    } catch (error) {
      this.logger.warn({ ...about, err: error }, 'ack not confirmed; the event may be redelivered');
    }
  }

  private terminate(msg: JsMsg, reason: string): void {
    this.logger.warn({ seq: msg.seq, msgSubject: msg.subject, reason }, 'malformed event terminated');
    settle(() => msg.term());
  }
}

/**
 * JetStream API error codes of a "create" that finds the durable already there with other
 * settings: "consumer name already in use" (10013) and "consumer already exists" (10148).
 */
const CONSUMER_EXISTS_CODES: readonly number[] = [10013, 10148];

function isConsumerExists(error: unknown): boolean {
  return error instanceof JetStreamApiError && CONSUMER_EXISTS_CODES.includes(error.code);
}

/** Acks travel on the connection: when it is closed they throw, and redelivery takes over. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // the server redelivers after ack_wait
  }
}

/** Starts every listener (consumers created in parallel); rejects if one cannot start. */
export async function startListeners(listeners: readonly Listener<Subject>[]): Promise<void> {
  await Promise.all(listeners.map((listener) => listener.listen()));
}

/** Closes every listener gracefully, in parallel (see {@link Listener.close}). */
export async function closeListeners(listeners: readonly Listener<Subject>[]): Promise<void> {
  await Promise.all(listeners.map((listener) => listener.close()));
}
