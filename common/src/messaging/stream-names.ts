import type { Subject } from '../events/subjects';

/**
 * Names shared by the messaging code and the NATS permissions (which the launcher loads on its
 * own, so this file imports nothing heavy).
 */

/**
 * Events a consumer gave up on are parked here, one subject per (service, event subject):
 * `dead.<service>.<subject>`. The stream is kept apart from the event stream so a parked event
 * is never delivered to anyone; an operator lists, replays or drops it (`npm run events -- dead`).
 */
export const DEAD_LETTER_STREAM = 'TICKETING_DEAD_LETTERS';

/** Where each durable consumer had got to (see consumer-positions.ts). */
export const CONSUMER_POSITIONS_STREAM = 'TICKETING_CONSUMER_POSITIONS';

/** The durable consumer name of a (service, subject) pair, e.g. `orders-ticket-created`. */
export function durableName(service: string, subject: Subject): string {
  return `${service}-${subject.replaceAll('.', '-')}`;
}
