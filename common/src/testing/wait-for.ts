export interface WaitForOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Pause between attempts (default 25 ms). */
  intervalMs?: number;
}

/**
 * Retries `fn` until it returns without throwing and its result is not `false`/`undefined`,
 * then returns that result. Use it for eventual outcomes (an event applied, a job fired)
 * instead of sleeping a guessed time. On time-out it rethrows the last failure.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
      lastError = new Error(`condition still ${String(value)}`);
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      const error = new Error(`waitFor timed out after ${timeoutMs} ms: ${reason}`);
      if (lastError instanceof Error) error.cause = lastError;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
