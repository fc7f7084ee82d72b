import type { Logger } from '../logging';

export interface PeriodicJobOptions {
  /** Shown in log lines (`component`). */
  name: string;
  logger: Logger;
  /** Pause between the end of one run and the start of the next; 0 disables the job. */
  intervalMs: number;
  /**
   * One run. A rejection is logged and the job goes on at the next interval. A subclass may
   * override {@link PeriodicJob.runOnce} instead.
   */
  run?: () => Promise<unknown>;
}

/**
 * A background task that runs now, then every `intervalMs` after the previous run ended, until
 * {@link PeriodicJob.stop}. Runs never overlap; {@link PeriodicJob.wake} starts the next run at
 * once (after the current one), for work that was just committed. Its timer does not keep the
 * process alive: the HTTP server does.
 */
export class PeriodicJob {
  readonly #name: string;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #run: (() => Promise<unknown>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #current: Promise<void> | undefined;
  #wokenDuringRun = false;

  constructor({ name, logger, intervalMs, run }: PeriodicJobOptions) {
    this.#name = name;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
    this.#run = run;
  }

  /** One run: the `run` it was given. */
  runOnce(): Promise<unknown> {
    if (!this.#run) throw new Error(`${this.#name} has nothing to run`);
    return this.#run();
  }

  /** Runs now and then every interval. Does nothing when the interval is 0. */
  start(): void {
    if (this.#running || this.#intervalMs <= 0) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Runs again as soon as the current run (if any) has finished. */
  wake(): void {
    if (!this.#running) return;
    if (this.#current) {
      this.#wokenDuringRun = true;
      return;
    }
    this.#schedule(0);
  }

  /** Stops the schedule; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wokenDuringRun = false;
      this.#current = Promise.resolve()
        .then(() => this.runOnce())
        .then(
          () => undefined,
          (error: unknown) => this.#logger.error({ err: error, component: this.#name }, `${this.#name} failed`),
        )
        .finally(() => {
          this.#current = undefined;
          this.#schedule(this.#wokenDuringRun ? 0 : this.#intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }
}
