import { Gauge, type Registry } from 'prom-client';
import type { Executor } from '../db/create-database';
import { readRevocations } from '../db/session-revocations';
import type { SessionClaims } from '../http/current-user';
import type { Logger } from '../logging';
import { PeriodicJob } from '../service/periodic-job';

export interface SessionRevocationsOptions {
  /** The service's database, holding `revoked_sessions` and `revoked_users`. */
  db: Executor;
  logger: Logger;
  /** Pause between two reads of the tables (default 1 000 ms): the propagation delay across replicas. */
  refreshIntervalMs?: number;
}

/**
 * Rows are read again for this long after they were recorded: a row is stamped when its
 * transaction began, so one that committed just after a read can carry an earlier stamp than
 * rows that read saw. The listeners' transactions are single statements, far shorter.
 */
const RECORDED_OVERLAP_MS = 30_000;
/** How often revocations whose tokens have expired are dropped from memory. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The revoked sessions of the platform, in memory, for `currentUser` to refuse their cookies
 * without a database or network call per request. Loaded from the service's tables at
 * {@link SessionRevocations.start}, then every `refreshIntervalMs` it reads only the rows
 * recorded since (the listener that recorded a row wakes it at once). Every replica reads the
 * tables itself: the replicas share one durable consumer, so only one of them receives each
 * event. When a read fails the last known set stays in force and the next read catches up.
 */
export class SessionRevocations {
  readonly #db: Executor;
  readonly #job: PeriodicJob;
  /** Revoked session id → when its token expires (ms). */
  readonly #sessions = new Map<string, number>();
  /** User id → sessions issued before `before` (ms) are revoked, until `expiresAt` (ms). */
  readonly #users = new Map<string, { before: number; expiresAt: number }>();
  /** The latest `recordedAt` read so far (the database's clock). */
  #seenUpTo: Date | undefined;
  #lastReadAt = 0;
  #lastSweepAt = Date.now();

  constructor({ db, logger, refreshIntervalMs = 1_000 }: SessionRevocationsOptions) {
    this.#db = db;
    this.#job = new PeriodicJob({
      name: 'session-revocations',
      logger,
      intervalMs: refreshIntervalMs,
      run: () => this.refresh(),
    });
  }

  /** Reads every revocation in force (rejects when the database cannot be read), then refreshes periodically. */
  async start(): Promise<void> {
    await this.refresh();
    this.#job.start();
  }

  /** Reads the tables again as soon as possible (a revocation was just recorded). */
  wake(): void {
    this.#job.wake();
  }

  async stop(): Promise<void> {
    await this.#job.stop();
  }

  /** Reads the revocations recorded since the last read (all of them the first time). */
  async refresh(): Promise<void> {
    const since = this.#seenUpTo ? new Date(this.#seenUpTo.getTime() - RECORDED_OVERLAP_MS) : undefined;
    const rows = await readRevocations(this.#db, since);
    for (const row of rows.sessions) {
      this.#sessions.set(row.sessionId, row.expiresAt.getTime());
      this.#saw(row.recordedAt);
    }
    for (const row of rows.users) {
      this.#users.set(row.userId, { before: row.before.getTime(), expiresAt: row.expiresAt.getTime() });
      this.#saw(row.recordedAt);
    }
    this.#lastReadAt = Date.now();
    if (this.#lastReadAt - this.#lastSweepAt >= SWEEP_INTERVAL_MS) this.#sweep(this.#lastReadAt);
  }

  /**
   * Whether `session` was revoked: signed out, or issued before its user signed out everywhere.
   * Synchronous and from memory, for `currentUser`'s `isRevoked`.
   */
  readonly isRevoked = (session: SessionClaims): boolean => {
    if (this.#sessions.has(session.sessionId)) return true;
    const user = this.#users.get(session.user.id);
    return user !== undefined && session.issuedAt < user.before;
  };

  /** Revocations held in memory, by kind. */
  get size(): { sessions: number; users: number } {
    return { sessions: this.#sessions.size, users: this.#users.size };
  }

  /** Seconds since the tables were last read successfully. */
  get secondsSinceRead(): number {
    return this.#lastReadAt === 0 ? Number.POSITIVE_INFINITY : (Date.now() - this.#lastReadAt) / 1000;
  }

  /**
   * `ticketing_session_revocations{kind}` (held in memory) and
   * `ticketing_session_revocations_read_age_seconds` (since the last successful read: while it
   * grows, sign-outs recorded meanwhile are not enforced by this replica).
   */
  registerMetrics(registry: Registry): void {
    const revocations = this;
    new Gauge({
      name: 'ticketing_session_revocations',
      help: 'Revoked sessions (kind=session) and users signed out everywhere (kind=user) this process refuses',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        const { sessions, users } = revocations.size;
        this.set({ kind: 'session' }, sessions);
        this.set({ kind: 'user' }, users);
      },
    });
    new Gauge({
      name: 'ticketing_session_revocations_read_age_seconds',
      help: 'Seconds since this process last read the revoked sessions from its database',
      registers: [registry],
      collect() {
        const age = revocations.secondsSinceRead;
        if (Number.isFinite(age)) this.set(age);
      },
    });
  }

  #saw(recordedAt: Date): void {
    if (!this.#seenUpTo || recordedAt > this.#seenUpTo) this.#seenUpTo = recordedAt;
  }

  /** Drops the revocations whose tokens have expired: an expired token is refused anyway. */
  #sweep(now: number): void {
    this.#lastSweepAt = now;
    for (const [sessionId, expiresAt] of this.#sessions) if (expiresAt <= now) this.#sessions.delete(sessionId);
    for (const [userId, { expiresAt }] of this.#users) if (expiresAt <= now) this.#users.delete(userId);
  }
}
