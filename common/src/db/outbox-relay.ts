import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Event } from '../events';
import type { Logger } from '../logging';
import type { Database, Executor, Transaction } from './create-database';
import { type OutboxRow, outbox } from './outbox';
import { clientOf, preparedStatement, takeEventQueued } from './prepared';

/**
 * Only one relay per database publishes at a time: each batch takes this transaction-level
 * advisory lock first, and a relay that does not get it skips its turn. An arbitrary constant,
 * distinct from the migration lock.
 */
export const OUTBOX_RELAY_LOCK_KEY = 7_246_519_002;

export interface OutboxRelayOptions<S extends Record<string, unknown> = Record<string, unknown>> {
  db: Database<S>;
  /** Publishes one event and resolves once the broker has it (JetStream ack); rejects otherwise. */
  publish: (event: Event) => Promise<unknown>;
  logger: Logger;
  /** How often pending rows are looked for without a wake (default 500 ms). */
  pollIntervalMs?: number;
  /** Rows read per batch (default 100). */
  batchSize?: number;
  /**
   * A wake sooner than this after the last batch began waits for the rest of it (default 5 ms),
   * so commits that follow one another closely (a listener applying a stream of events, many
   * requests at once) share one batch instead of paying a transaction each. An event committed
   * after a quiet moment is published at once.
   */
  coalesceMs?: number;
  /** Longest pause between attempts while publishing fails (default 5 000 ms). */
  maxBackoffMs?: number;
  /**
   * Whether the broker itself is healthy, asked when a publication fails: when it is, the row is
   * at fault (a subject no stream captures, a payload over the server's limit), and the row is
   * retried up to `maxAttempts` times and then parked while the other entities' rows flow. When
   * it is not (or without this check), the failure is an outage: the batch stops and retries.
   */
  brokerHealthy?: () => Promise<boolean>;
  /** Failures of one row (while the broker is healthy) before it is parked (default 5). */
  maxAttempts?: number;
}

interface BatchOutcome {
  /** False when another relay holds the lock: this one did nothing. */
  locked: boolean;
  published: number;
  /** The batch was full, so more rows are probably pending. */
  full: boolean;
  /** Why the batch stopped early (an outage, or a database failure). */
  error?: unknown;
}

/**
 * The entity an event is about, for ordering: events of one entity are published in order, so
 * when one of them fails the entity's later events wait for it.
 */
function entityOf(event: Event): string {
  const data = event.data as { id?: unknown; orderId?: unknown };
  return `${event.subject.split('.')[0]}:${String(data.id ?? data.orderId ?? event.eventId)}`;
}

const FIRST_BACKOFF_MS = 100;

type ClaimedRow = Pick<OutboxRow, 'id' | 'payload' | 'attempts'>;

/**
 * The statement that takes the relay lock and marks up to `batchSize` pending rows published,
 * returning them in `id` order — prepared, planned once per connection, since every batch runs
 * it. The limit is written into the text, not bound: a generic plan for `limit $1` is planned for
 * an unknown row count. With the lock taken by another relay, one row comes back with `locked`
 * false and no id.
 */
const claimPendingStatement = (batchSize: number) =>
  preparedStatement<{ locked: boolean; id: string | null; payload: OutboxRow['payload']; attempts: number }>(
    `outbox_relay_claim_pending_${batchSize}`,
    `with relay_lock as materialized (
       select pg_try_advisory_xact_lock(${OUTBOX_RELAY_LOCK_KEY}) as locked
     ),
     claimed as (
       update outbox set published_at = clock_timestamp()
       where (select locked from relay_lock) and published_at is null and parked_at is null
         and id in (
           select id from outbox where published_at is null and parked_at is null order by id limit ${batchSize}
         )
       returning id, payload, attempts
     )
     select relay_lock.locked, claimed.id, claimed.payload, claimed.attempts
     from relay_lock left join claimed on true
     order by claimed.id`,
  );

/**
 * Publishes the outbox: pending rows in `id` order, each marked `published_at` once the broker
 * acknowledged it. Rows of different entities are sent together, in order, and acknowledged
 * together (see `#publishClaimed`). A batch stops at the window of the first failure and the relay
 * retries with exponential backoff (logged once per outage), so an event is published at least
 * once and never skipped;
 * consumers drop the duplicates a crash can cause (JetStream's `msgID` deduplication, versions,
 * processed-event keys).
 *
 * Woken right after a commit ({@link OutboxRelay.transaction} or {@link OutboxRelay.wake}) and
 * polling besides, so an event written by a process that crashed before waking is still sent.
 *
 * A row whose publication fails while the broker is healthy (`brokerHealthy`) is the row's own
 * problem: it is retried on the next batches while the other entities' rows flow, and parked
 * after `maxAttempts` failures (counted by `ticketing_outbox_parked`, listed and retried with
 * `npm run events -- outbox`), so one bad row never blocks the outbox.
 *
 * Rows are published in `id` order as they become visible. Concurrent transactions may commit
 * out of `id` order, and a failed row is published after the rows of other entities sent with it,
 * so the order across entities is not strict; for one entity it is, because its transactions are
 * serialised by the entity's row lock (write the state change before the outbox row) and its next
 * row is sent only once the previous one was acknowledged.
 */
export class OutboxRelay<S extends Record<string, unknown> = Record<string, unknown>> {
  readonly #db: Database<S>;
  readonly #publish: (event: Event) => Promise<unknown>;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number;
  readonly #coalesceMs: number;
  readonly #batchSize: number;
  readonly #maxBackoffMs: number;
  readonly #brokerHealthy: (() => Promise<boolean>) | undefined;
  readonly #maxAttempts: number;
  readonly #claimStatement: ReturnType<typeof claimPendingStatement>;

  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** The cycle in progress (one or more batches), if any. */
  #cycle: Promise<void> | undefined;
  /** A wake arrived during the cycle: run one more batch before sleeping. */
  #wakeRequested = false;
  /** When the last batch began (performance.now()). */
  #lastBatchAt = Number.NEGATIVE_INFINITY;
  /** Serialises this relay's batches (its own cycle and {@link OutboxRelay.drain}). */
  #queue: Promise<unknown> = Promise.resolve();
  #failures = 0;
  #outageStartedAt = 0;

  constructor(options: OutboxRelayOptions<S>) {
    this.#db = options.db;
    this.#publish = options.publish;
    this.#logger = options.logger.child({ component: 'outbox-relay' });
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#coalesceMs = options.coalesceMs ?? 5;
    this.#batchSize = options.batchSize ?? 100;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.#brokerHealthy = options.brokerHealthy;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#claimStatement = claimPendingStatement(this.#batchSize);
  }

  /** Starts publishing: a first batch now (the backlog of a previous run), then on wakes and polls. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Asks for a batch: now, or `coalesceMs` after the last one began. Wakes during a batch
   * coalesce into one more batch; while the broker is down they wait for the backoff timer
   * instead of hammering it.
   */
  wake(): void {
    if (!this.#running) return;
    if (this.#cycle) {
      this.#wakeRequested = true;
    } else if (this.#failures === 0) {
      this.#schedule(this.#coalesceDelayMs());
    }
  }

  /** Stops polling and resolves once the batch in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#cycle;
    await this.#queue;
  }

  /**
   * Runs `fn` in a database transaction, then wakes the relay once it has committed — when it
   * wrote an event to the outbox ({@link enqueueEvent}, a {@link withEventSql} statement): a
   * transaction that only changed state (a replica applying an event) costs the relay no batch.
   */
  async transaction<T>(fn: (tx: Transaction<S>) => Promise<T>): Promise<T> {
    let queued = false;
    const result = await this.#db.transaction(async (tx) => {
      const connection = clientOf(tx);
      takeEventQueued(connection); // a mark left by a statement outside a relay transaction
      const value = await fn(tx);
      queued = takeEventQueued(connection);
      return value;
    });
    if (queued) this.wake();
    return result;
  }

  /**
   * Publishes batch after batch until nothing is pending, publishing fails, or another relay
   * holds the lock. Works whether or not the relay was started (tests, shutdown).
   */
  async drain(): Promise<void> {
    for (;;) {
      const outcome = await this.#runBatch();
      if (outcome.error !== undefined || !outcome.locked || outcome.published === 0) return;
    }
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#cycle = this.#runCycle()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'outbox relay cycle failed'))
        .finally(() => {
          this.#cycle = undefined;
        });
    }, delayMs);
    // The poll timer alone must not keep a process alive (the HTTP server or the test does).
    this.#timer.unref();
  }

  async #runCycle(): Promise<void> {
    let outcome: BatchOutcome;
    do {
      this.#wakeRequested = false;
      outcome = await this.#runBatch();
    } while (this.#running && outcome.error === undefined && outcome.locked && outcome.full);
    if (outcome.error !== undefined) this.#schedule(this.#backoffMs());
    else if (this.#wakeRequested && outcome.locked) this.#schedule(this.#coalesceDelayMs());
    else this.#schedule(this.#pollIntervalMs);
  }

  /** How long a wake waits now: what remains of `coalesceMs` since the last batch began. */
  #coalesceDelayMs(): number {
    return Math.max(0, this.#lastBatchAt + this.#coalesceMs - performance.now());
  }

  #backoffMs(): number {
    return Math.min(this.#maxBackoffMs, FIRST_BACKOFF_MS * 2 ** (this.#failures - 1));
  }

  /** One batch, serialised with this relay's other batches, with outage bookkeeping. */
  async #runBatch(): Promise<BatchOutcome> {
    const run = this.#queue.then(async (): Promise<BatchOutcome> => {
      this.#lastBatchAt = performance.now();
      try {
        return await this.#publishBatch();
      } catch (error) {
        return { locked: true, published: 0, full: false, error };
      }
    });
    this.#queue = run;
    const outcome = await run;
    this.#recordOutcome(outcome);
    return outcome;
  }

  #recordOutcome(outcome: BatchOutcome): void {
    if (outcome.error !== undefined) {
      if (this.#failures === 0) {
        this.#outageStartedAt = Date.now();
        this.#logger.warn(
          { err: outcome.error, published: outcome.published },
          'outbox publishing failed; retrying with backoff',
        );
      }
      this.#failures++;
    } else if (this.#failures > 0) {
      this.#logger.info(
        { attempts: this.#failures, outageMs: Date.now() - this.#outageStartedAt, published: outcome.published },
        'outbox publishing recovered',
      );
      this.#failures = 0;
    }
  }

  /**
   * One transaction, so the relays of several replicas take turns: lock, and mark the pending rows
   * published (one statement), publish them, then unmark what could not be published. A crash
   * rolls the marks back, so every row stays pending until its publication is acknowledged.
   */
  #publishBatch(): Promise<BatchOutcome> {
    return this.#db.transaction(async (tx) => {
      const claimed = await this.#claimPending(tx);
      if (!claimed) return { locked: false, published: 0, full: false };
      return this.#publishClaimed(tx, claimed);
    });
  }

  /**
   * Takes the relay lock and marks the next pending rows published, in one round trip; undefined
   * when another relay holds the lock. The marking re-checks each row as the previous holder of
   * the lock left it (an UPDATE waits for and re-reads a row changed since its snapshot), so a
   * row another relay published is never claimed again.
   */
  async #claimPending(tx: Executor): Promise<ClaimedRow[] | undefined> {
    const rows = await this.#claimStatement.run(tx, []);
    if (rows[0]?.locked !== true) return undefined;
    return rows
      .filter((row) => row.id !== null)
      .map((row) => ({ id: Number(row.id), payload: row.payload, attempts: row.attempts }));
  }

  /**
   * Publishes the claimed rows in `id` order, a window at a time: the rows up to the next one
   * whose entity is already in the window are sent together, their acknowledgements awaited
   * together (one socket write and one read for the window instead of a round trip per row), so
   * a row is sent only once the earlier rows of its entity were acknowledged. A failure ends the
   * batch after its window (the rows of other entities sent with it may have been published, and
   * stay so); a row's own failure (the broker healthy) makes only its entity's later rows wait.
   */
  async #publishClaimed(executor: Executor, rows: ClaimedRow[]): Promise<BatchOutcome> {
    const published = new Set<number>();
    /** Entities whose event failed in this batch: their later events wait, to keep the order. */
    const waiting = new Set<string>();
    let error: unknown;
    let next = 0;
    while (next < rows.length && error === undefined) {
      const window: { row: ClaimedRow; entity: string }[] = [];
      const inWindow = new Set<string>();
      for (; next < rows.length; next++) {
        const row = rows[next]!;
        const entity = entityOf(row.payload);
        if (waiting.has(entity)) continue;
        if (inWindow.has(entity)) break;
        inWindow.add(entity);
        window.push({ row, entity });
      }
      const outcomes = await Promise.allSettled(window.map(({ row }) => this.#publishRow(row)));
      for (const [index, outcome] of outcomes.entries()) {
        const { row, entity } = window[index]!;
        if (outcome.status === 'fulfilled') {
          published.add(row.id);
        } else if (error === undefined) {
          const failure = outcome.reason ?? new Error('publish failed');
          if (await this.#isRowFault()) {
            await this.#recordRowFailure(executor, row, failure);
            waiting.add(entity);
          } else {
            // An outage: no more windows, publishing later rows would break the order.
            error = failure;
          }
        }
      }
    }
    const unpublished = rows.filter((row) => !published.has(row.id)).map((row) => row.id);
    if (unpublished.length > 0) {
      await executor.update(outbox).set({ publishedAt: null }).where(inArray(outbox.id, unpublished));
    }
    return { locked: true, published: published.size, full: rows.length === this.#batchSize, error };
  }

  /** The row's publication; a publisher that throws at once rejects like one that fails later. */
  async #publishRow(row: ClaimedRow): Promise<unknown> {
    return this.#publish(row.payload);
  }

  async #isRowFault(): Promise<boolean> {
    if (!this.#brokerHealthy) return false;
    return this.#brokerHealthy().catch(() => false);
  }

  /** Counts a failure of the row's own; parks it after `maxAttempts`. */
  async #recordRowFailure(executor: Executor, row: ClaimedRow, failure: unknown) {
    const attempts = row.attempts + 1;
    const lastError = (failure instanceof Error ? failure.message : String(failure)).slice(0, 1_000);
    const park = attempts >= this.#maxAttempts;
    await executor
      .update(outbox)
      .set({ attempts, lastError, ...(park ? { parkedAt: sql`clock_timestamp()` } : {}) })
      .where(eq(outbox.id, row.id));
    const about = { outboxId: row.id, eventId: row.payload.eventId, subject: row.payload.subject, attempts, lastError };
    if (park) this.#logger.error(about, 'outbox row parked: it cannot be published, the rows after it go on');
    else this.#logger.warn(about, 'outbox row could not be published while NATS is healthy; retrying it');
  }
}

/** How many outbox rows wait to be published (a metric; a growing number means NATS is unreachable). */
export async function pendingOutboxCount(db: Executor): Promise<number> {
  const [row] = await db
    .select({ pending: count() })
    .from(outbox)
    .where(and(isNull(outbox.publishedAt), isNull(outbox.parkedAt)));
  return row?.pending ?? 0;
}

/** The parked rows (see {@link OutboxRelayOptions.brokerHealthy}), oldest first. */
export async function parkedOutboxRows(db: Executor) {
  return db
    .select({
      id: outbox.id,
      eventId: outbox.eventId,
      subject: outbox.subject,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      parkedAt: outbox.parkedAt,
    })
    .from(outbox)
    .where(and(isNull(outbox.publishedAt), sql`${outbox.parkedAt} is not null`))
    .orderBy(asc(outbox.id));
}

/** Hands a parked row back to the relay (attempts start over); false when it is not parked. */
export async function retryParkedOutboxRow(db: Executor, id: number): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ parkedAt: null, attempts: 0 })
    .where(and(eq(outbox.id, id), isNull(outbox.publishedAt), sql`${outbox.parkedAt} is not null`))
    .returning({ id: outbox.id });
  return rows.length > 0;
}
