import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { type Event, type EventData, parseEvent, STREAM_NAME, type Subject } from '../events';
import type { Logger } from '../logging';
import { loadConsumerPosition, saveConsumerPosition } from './consumer-positions';
import { parkDeadLetter } from './dead-letters';
import { RetryLaterError } from './retry-later-error';
import { durableName } from './stream-names';

export interface ListenerOptions {
  /** Time the server waits for an ack before redelivering (default 30 000 ms). */
  ackWaitMs?: number;
  /** Unacknowledged messages the consumer hands out at once, across all replicas (default 256). */
  maxAckPending?: number;
  /** Redelivery delay after the first failure, doubled after each (default 1 000 ms). */
  nakDelayMs?: number;
  /** Longest redelivery delay after a failure (default 60 000 ms). */
  maxNakDelayMs?: number;
  /** Deliveries of an event whose handler keeps failing before it is parked as a dead letter (default 10, about 4 minutes of retries). */
  maxDeliver?: number;
  /**
   * Deliveries of an event the handler finds "not applicable yet" ({@link RetryLaterError}: its
   * predecessor has not arrived) before it is parked (default 16: with the delay doubling from
   * `nakDelayMs` up to `maxNakDelayMs`, about 10 minutes). Counted in deliveries, not in time
   * since the event was stored, so that a backlog (a consumer that was down for an hour) is not
   * parked on its first early delivery.
   */
  maxEarlyDeliveries?: number;
  /** Default {@link STREAM_NAME}. */
  streamName?: string;
  /**
   * Messages pulled ahead of the handler (default 10). Kept small: a pulled message waits in
   * memory while its ack_wait runs, and other replicas cannot take it meanwhile.
   */
  batchSize?: number;
  /**
   * Messages handled at once (default 1, at most `batchSize`), the messages of one entity (the
   * event's `id`, or `orderId`) one after the other in the order they arrived. Handlers of
   * different entities already run side by side when a service has several replicas; within
   * one replica more than one hides the round trips of each (its statements, the ack) instead
   * of paying them one message at a time — at the price of more connections taken from the
   * pool the requests use: measured under the writes load, 4 for orders' ticket.updated let an
   * edit wait up to 380 ms now and then (p99 10 ms at 1), so a listener raises it only where a
   * backlog was measured.
   */
  concurrency?: number;
  /**
   * Lifetime of each pull request (default 30 000 ms, at least 1 000). The server sends idle
   * heartbeats every half of it; two missed ones make the listener check its consumer, so a
   * deleted consumer is noticed and recreated after about this long. After a reconnect, nats.js
   * checks the consumer at once and, while that check fails, again every this long.
   */
  pullExpiresMs?: number;
  /** How often the consumer's ack floor is saved, for a consumer that has to be recreated (default 5 000 ms). */
  positionIntervalMs?: number;
}

export interface ListenerDeps {
  /** The service's connection, from `connectNats`. */
  nc: NatsConnection;
  /** The service's name, e.g. `orders`; every replica of the service shares one durable consumer. */
  service: string;
  logger: Logger;
  options?: ListenerOptions;
}

/** One event of a group handed to {@link Listener.applyBatch}: a first delivery, its payload checked. */
export interface BatchItem<S extends Subject> {
  data: EventData<S>;
  event: Event<S>;
  msg: JsMsg;
  /** When the stream stored the event. */
  storedAt: Date;
}

/** What a handler gets besides the event's data. */
export interface MessageContext<S extends Subject> {
  event: Event<S>;
  /** The JetStream message (`@nats-io/jetstream`); undefined when an operator replays a dead letter. */
  msg?: JsMsg;
  /** 0 on the first delivery, 1 on the first redelivery, … */
  redeliveryCount: number;
  /** When the stream stored the event (for a replay: when it was parked). */
  storedAt: Date;
}

export { durableName };

const MAX_RESTART_DELAY_MS = 5_000;

/** The entity a message is about, for ordering: its event's `id` or `orderId` (its sequence when it has neither). */
function entityOf(msg: JsMsg): string {
  try {
    const data = (msg.json() as { data?: { id?: unknown; orderId?: unknown } }).data;
    const id = data?.id ?? data?.orderId;
    if (typeof id === 'string') return id.toLowerCase();
  } catch {
    // Not JSON: process() terminates it.
  }
  return `seq:${msg.seq}`;
}

/**
 * Base class of every event listener: a typed entry point over a durable JetStream pull
 * consumer. Subclasses set `subject` and implement `onMessage`; the base class owns the
 * outcomes:
 *
 * - handler resolves → ack (and only then: ack after the handler's transaction committed);
 * - handler throws → `nak` with a growing delay (`nakDelayMs` doubled per delivery, up to
 *   `maxNakDelayMs`), logged at error; {@link RetryLaterError} (the event came early) → `nak`
 *   with its delay or the same growing delay, logged at info;
 * - an event that keeps failing — `maxDeliver` failed deliveries, `maxEarlyDeliveries` early
 *   ones, more deliveries than both without an outcome (the handler took the process down), or
 *   a payload that is not JSON or breaks its subject's schema — is parked as a dead letter ({@link parkDeadLetter}) and terminated, so the
 *   consumer keeps flowing for every other event;
 * - while a handler runs, the message is kept in progress (`working()`) so a slow call does not
 *   hand it to another replica after ack_wait.
 *
 * Messages are handled one at a time (up to `concurrency` of different entities at once), or, for
 * a listener with {@link Listener.applyBatch}, the messages waiting a group at a time. Every
 * replica of a service uses the same durable
 * (`${service}-${subject with '.' → '-'}`), so each message is handled by one replica — the
 * queue group of the original design. The consume loop re-establishes itself after a NATS
 * outage or a deleted consumer until {@link Listener.close} is called; a consumer that has to
 * be recreated starts after the ack floor saved for it ({@link saveConsumerPosition}).
 */
export abstract class Listener<S extends Subject> {
  /** The subject this listener consumes. */
  abstract readonly subject: S;

  protected readonly nc: NatsConnection;
  /** The service this listener belongs to (its durable and its dead letters carry the name). */
  readonly service: string;
  private readonly baseLogger: Logger;
  private readonly options: Required<ListenerOptions>;
  private childLogger?: Logger;
  private starting?: Promise<void>;
  private running?: Promise<void>;
  private messages?: ConsumerMessages;
  private closing = false;
  private positionTimer?: NodeJS.Timeout;
  private savedAckFloor = -1;
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
      maxNakDelayMs: options.maxNakDelayMs ?? 60_000,
      maxDeliver: options.maxDeliver ?? 10,
      maxEarlyDeliveries: options.maxEarlyDeliveries ?? 16,
      streamName: options.streamName ?? STREAM_NAME,
      batchSize: options.batchSize ?? 10,
      concurrency: Math.max(1, Math.min(options.concurrency ?? 1, options.batchSize ?? 10)),
      pullExpiresMs: options.pullExpiresMs ?? 30_000,
      positionIntervalMs: options.positionIntervalMs ?? 5_000,
    };
  }

  /** Handles one event. Resolve to ack it; throw to have it redelivered (see the class notes). */
  protected abstract onMessage(data: EventData<S>, context: MessageContext<S>): Promise<void>;

  /**
   * Optional: applies the events of several messages at once (one statement, or one
   * transaction), in the order given, which is the stream's. A listener that
   * has it takes the messages already pulled and waiting, up to `batchSize`, as one group,
   * instead of one at a time (so it handles one group at a time: `concurrency` does not apply).
   * Only first deliveries of well-formed events that are not resyncs come here; any other message
   * goes through `onMessage` alone, in its place in the order. Resolve: every event is acked.
   * Throw: each event goes through `onMessage` alone, with all its outcomes (retry, park) — so
   * whatever the group applied before it threw must be what `onMessage` takes for done (a
   * duplicate), as for a redelivery.
   */
  protected applyBatch?(items: readonly BatchItem<S>[]): Promise<void>;

  /**
   * For an `applyBatch` that applies only the events that fit its one statement: the others go
   * through `onMessage`, one at a time, in the group's order.
   */
  protected async handleEachAlone(items: readonly BatchItem<S>[]): Promise<void> {
    for (const { data, event, msg, storedAt } of items) {
      await this.onMessage(data, { event, msg, redeliveryCount: 0, storedAt });
    }
  }

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
    this.positionTimer = setInterval(() => void this.savePosition(), this.options.positionIntervalMs);
    this.positionTimer.unref();
    this.logger.info('listening');
  }

  /** Stops pulling, lets the message in flight finish (and be acked), then resolves. */
  async close(): Promise<void> {
    this.closing = true;
    this.closeSignal.abort();
    clearInterval(this.positionTimer);
    await this.starting?.catch(() => {});
    this.messages?.stop();
    await this.running;
    await this.savePosition();
  }

  /**
   * Replays a parked event through the handler (an operator's `dead retry`): resolves when the
   * handler succeeded, rejects with its error otherwise. The payload is checked as a delivery is.
   */
  async replay(payload: unknown, storedAt: Date): Promise<void> {
    const parsed = parseEvent(this.subject, payload);
    if (!parsed.success) throw new Error(`payload does not match the ${this.subject} contract: ${parsed.error}`);
    await this.onMessage(parsed.event.data, { event: parsed.event, redeliveryCount: 0, storedAt });
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const { streamName, ackWaitMs, maxAckPending } = this.options;
    // Parking is the listener's: the server itself never gives up on a message.
    const tunable = { ack_wait: nanos(ackWaitMs), max_ack_pending: maxAckPending, max_deliver: -1 };
    const exists = await jsm.consumers.info(streamName, this.durableName).then(
      () => true,
      (error: unknown) => {
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
        throw error;
      },
    );
    if (exists) {
      await jsm.consumers.update(streamName, this.durableName, tunable);
      return;
    }
    // New, or recreated after it was lost: start after what this service already handled.
    const ackFloor = await loadConsumerPosition(this.nc, this.service, this.durableName);
    const start: Partial<ConsumerConfig> =
      ackFloor === undefined
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: ackFloor + 1 };
    if (ackFloor !== undefined) this.logger.warn({ ackFloor }, 'consumer recreated; resuming after its saved position');
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durableName,
      ack_policy: AckPolicy.Explicit,
      filter_subject: this.subject,
      ...start,
      ...tunable,
    };
    try {
      await jsm.consumers.add(streamName, config);
    } catch (error) {
      // Another replica created it meanwhile.
      if (!isConsumerExists(error)) throw error;
      await jsm.consumers.update(streamName, this.durableName, tunable);
    }
  }

  /** Saves the consumer's ack floor when it moved (see {@link saveConsumerPosition}). */
  private async savePosition(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      const jsm = await jetstreamManager(this.nc);
      const info = await jsm.consumers.info(this.options.streamName, this.durableName);
      const ackFloor = info.ack_floor.stream_seq;
      if (ackFloor === this.savedAckFloor) return;
      await saveConsumerPosition(this.nc, this.service, this.durableName, ackFloor, {
        replicas: info.config.num_replicas || 1,
      });
      this.savedAckFloor = ackFloor;
    } catch (error) {
      this.logger.debug({ err: error }, 'consumer position not saved this time');
    }
  }

  private async consumeLoop(): Promise<void> {
    const js = jetstream(this.nc);
    let restarts = 0;
    const inFlight = new Set<Promise<void>>();
    /** The last message started for each entity: the next one of that entity waits for it. */
    const lastOfEntity = new Map<string, Promise<void>>();
    /** With applyBatch: the messages received and not started yet, and the loop that applies them. */
    const group: JsMsg[] = [];
    let flushing: Promise<void> | undefined;
    const flush = async () => {
      // First the messages already received (a pull's answer arrives at once) join the group.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        for (;;) {
          // Closing: the ones not started go back at once, to come again in order.
          if (this.closing) for (const msg of group.splice(0)) settle(() => msg.nak());
          const next = group.splice(0, this.options.batchSize);
          if (next.length === 0) return;
          await this.processGroup(next);
        }
      } finally {
        flushing = undefined;
      }
    };
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
          if (this.applyBatch) {
            if (this.closing) {
              settle(() => msg.nak());
              continue;
            }
            group.push(msg);
            flushing ??= flush().catch((error: unknown) => this.logger.error({ err: error }, 'group handling failed'));
            if (group.length >= this.options.batchSize) await flushing;
            continue;
          }
          while (inFlight.size >= this.options.concurrency && !this.closing) await Promise.race(inFlight);
          if (this.closing) {
            // Pulled but not started: hand it back at once to another replica.
            settle(() => msg.nak());
            continue;
          }
          this.dispatch(msg, inFlight, lastOfEntity);
        }
      } catch (error) {
        if (!this.closing) this.logger.warn({ err: error }, 'consuming failed; restarting');
      } finally {
        this.messages = undefined;
        // Stopping or restarting: the messages already started finish (and are acked) first.
        await Promise.all([...inFlight, flushing]);
      }
      if (this.closing) break;
      restarts += 1;
      const delayMs = Math.min(250 * 2 ** (restarts - 1), MAX_RESTART_DELAY_MS);
      this.logger.info({ delayMs, restarts }, 'consumer stopped; re-establishing it');
      await sleep(delayMs, undefined, { signal: this.closeSignal.signal }).catch(() => {});
    }
  }

  /** Handles `msg` once the entity's previous message (if still in flight) is done. */
  private dispatch(msg: JsMsg, inFlight: Set<Promise<void>>, lastOfEntity: Map<string, Promise<void>>): void {
    const entity = entityOf(msg);
    const previous = lastOfEntity.get(entity);
    // Every outcome of process() ends in an ack, a nak or a park; anything else is logged, and the
    // message comes back after ack_wait.
    const handled: Promise<void> = (previous ?? Promise.resolve()).then(() => this.processSafely(msg));
    lastOfEntity.set(entity, handled);
    inFlight.add(handled);
    void handled.finally(() => {
      inFlight.delete(handled);
      if (lastOfEntity.get(entity) === handled) lastOfEntity.delete(entity);
    });
  }

  /**
   * Handles a group of messages in their order: the runs of first deliveries of well-formed,
   * non-resync events through {@link Listener.applyBatch} (a run of one through `onMessage`),
   * every other message alone. Every outcome ends in acks, naks or parks, as for one message.
   */
  private async processGroup(msgs: readonly JsMsg[]): Promise<void> {
    let run: BatchItem<S>[] = [];
    for (const msg of msgs) {
      const item = msgs.length > 1 && msg.info.deliveryCount === 1 ? this.batchItem(msg) : undefined;
      if (item) {
        run.push(item);
        continue;
      }
      await this.applyRun(run);
      run = [];
      await this.processSafely(msg);
    }
    await this.applyRun(run);
  }

  /** The message as a batch item, or undefined when it must go alone (not JSON, off contract, a resync). */
  private batchItem(msg: JsMsg): BatchItem<S> | undefined {
    let payload: unknown;
    try {
      payload = msg.json();
    } catch {
      return undefined;
    }
    const parsed = parseEvent(this.subject, payload);
    if (!parsed.success || parsed.event.resync) return undefined;
    return { data: parsed.event.data, event: parsed.event, msg, storedAt: msg.time };
  }

  private async applyRun(run: readonly BatchItem<S>[]): Promise<void> {
    if (run.length === 0) return;
    if (run.length === 1 || !this.applyBatch) {
      for (const { msg } of run) await this.processSafely(msg);
      return;
    }
    const heartbeat = setInterval(
      () => {
        for (const { msg } of run) settle(() => msg.working());
      },
      Math.max(100, this.options.ackWaitMs / 3),
    );
    try {
      await this.applyBatch(run);
    } catch (error) {
      this.logger.warn(
        { err: error, seqs: run.map(({ msg }) => msg.seq) },
        'a group of events failed; handling each alone',
      );
      for (const { msg } of run) await this.processSafely(msg);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    for (const { msg } of run) settle(() => msg.ack());
  }

  /** {@link Listener.process}, its unexpected errors logged (the message then comes back after ack_wait). */
  private async processSafely(msg: JsMsg): Promise<void> {
    await this.process(msg).catch((error: unknown) =>
      this.logger.error({ err: error, seq: msg.seq }, 'message handling failed'),
    );
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
      await this.terminate(msg, `payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = parseEvent(this.subject, payload);
    if (!parsed.success) {
      await this.terminate(msg, `payload does not match the ${this.subject} contract: ${parsed.error}`);
      return;
    }
    const { event } = parsed;
    const deliveries = msg.info.deliveryCount;
    const redeliveryCount = deliveries - 1;
    const storedAt = msg.time;
    const about = { ...where, eventId: event.eventId, correlationId: event.correlationId, redeliveryCount };
    const { maxDeliver, maxEarlyDeliveries, ackWaitMs } = this.options;
    // More deliveries than any outcome allows (an early event is parked after
    // maxEarlyDeliveries, a failing one after maxDeliver): the handler crashed the process.
    if (deliveries > Math.max(maxDeliver, maxEarlyDeliveries)) {
      await this.park(msg, `delivered ${deliveries} times without an outcome (the handler may crash the service)`);
      return;
    }
    // Keeps the message in progress while the handler runs, so ack_wait does not hand it to another replica.
    const heartbeat = setInterval(() => settle(() => msg.working()), Math.max(100, ackWaitMs / 3));
    try {
      await this.onMessage(event.data, { event, msg, redeliveryCount, storedAt });
    } catch (error) {
      await this.onFailure(msg, error, { about, deliveries, storedAt });
      return;
    } finally {
      clearInterval(heartbeat);
    }
    // A plain ack, not a request for the server's confirmation (ackAck: a reply message, an inbox
    // subscription and a timer per event, on both sides). An ack lost on the way brings the event
    // back after ack_wait, and every handler drops a duplicate.
    settle(() => msg.ack());
  }

  private async onFailure(
    msg: JsMsg,
    error: unknown,
    { about, deliveries, storedAt }: { about: Record<string, unknown>; deliveries: number; storedAt: Date },
  ): Promise<void> {
    const { maxDeliver, maxEarlyDeliveries, nakDelayMs, maxNakDelayMs } = this.options;
    const reason = error instanceof Error ? error.message : String(error);
    const backoffMs = Math.min(nakDelayMs * 2 ** (deliveries - 1), maxNakDelayMs);
    if (error instanceof RetryLaterError) {
      if (deliveries >= maxEarlyDeliveries) {
        const waitedS = Math.round((Date.now() - storedAt.getTime()) / 1000);
        await this.park(msg, `still not applicable after ${deliveries} deliveries (${waitedS} s): ${reason}`);
        return;
      }
      const delayMs = error.delayMs ?? backoffMs;
      this.logger.info({ ...about, delayMs, reason }, 'event not applicable yet; retrying later');
      settle(() => msg.nak(delayMs));
      return;
    }
    if (deliveries >= maxDeliver) {
      this.logger.error({ ...about, err: error }, 'handler failed on its last delivery');
      await this.park(msg, reason);
      return;
    }
    this.logger.error({ ...about, err: error, delayMs: backoffMs }, 'handler failed; retrying');
    settle(() => msg.nak(backoffMs));
  }

  /**
   * Parks the message as a dead letter, then terminates it: the consumer moves on. When the
   * dead-letter stream cannot take it, the message is redelivered later instead of lost.
   */
  private async park(msg: JsMsg, error: string): Promise<void> {
    const where = { seq: msg.seq, msgSubject: msg.subject, deliveries: msg.info.deliveryCount, reason: error };
    try {
      await parkDeadLetter(jetstream(this.nc), { service: this.service, consumer: this.durableName, msg, error });
    } catch (parkError) {
      this.logger.error({ ...where, err: parkError }, 'event could not be parked; retrying it later');
      settle(() => msg.nak(this.options.maxNakDelayMs));
      return;
    }
    this.logger.error(where, 'event parked as a dead letter');
    // No reason with term(): nats-server 2.9 ignores a "+TERM <reason>".
    settle(() => msg.term());
  }

  /**
   * A payload that can never be handled: terminated and logged, and parked so an operator sees
   * it (terminated even when it cannot be parked: no redelivery would help).
   */
  private async terminate(msg: JsMsg, reason: string): Promise<void> {
    const where = { seq: msg.seq, msgSubject: msg.subject, reason };
    await parkDeadLetter(jetstream(this.nc), {
      service: this.service,
      consumer: this.durableName,
      msg,
      error: reason,
    }).then(
      () => this.logger.warn({ ...where, parked: true }, 'malformed event terminated'),
      (parkError: unknown) =>
        this.logger.warn({ ...where, parked: false, err: parkError }, 'malformed event terminated'),
    );
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
