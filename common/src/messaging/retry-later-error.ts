/**
 * Thrown by a listener's handler when the event cannot be applied yet but will be later — e.g.
 * `ticket.updated` version 5 arrives while the local copy is at version 3. The listener naks
 * it with `delayMs` (or its default nak delay) and logs at info, not error: it is expected.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';

  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}
