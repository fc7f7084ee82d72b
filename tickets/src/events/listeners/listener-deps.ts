import type { ListenerDeps, Logger } from '@ticketing/common';
import type { ReservationOutcome } from '../../domain/reservations';
import type { TicketStore } from '../../domain/ticket-store';

/** Every tickets listener: the connection and logger of a common Listener, plus the ticket store. */
export interface TicketListenerDeps extends Omit<ListenerDeps, 'service'> {
  store: TicketStore;
  /** How long a version gap in the passes replica lasts before it is skipped (GAP_HEAL_SECONDS; default 60 s). */
  gapHealMs?: number;
}

export const DEFAULT_GAP_HEAL_MS = 60_000;

export const SERVICE = 'tickets';

/** One line per handled event; skips are normal (redeliveries, races between consumers) and say why. */
export function logOutcome(
  logger: Logger,
  result: ReservationOutcome,
  about: { eventId: string; ticketId: string; orderId: string },
): void {
  switch (result.outcome) {
    case 'applied':
      logger.info(
        { ...about, version: result.ticket.version, previousOrderId: result.previousOrderId },
        'ticket updated from order event',
      );
      break;
    case 'duplicate':
      logger.info(about, 'event already processed; skipped');
      break;
    case 'unknown-ticket':
      logger.warn(about, 'order event for an unknown ticket; acknowledged without effect');
      break;
    case 'ignored':
      logger.info({ ...about, reason: result.reason }, 'order event needs no change');
      break;
  }
}

/** The passes replica's outcome: a skipped version gap is worth a warning (a version never came). */
export function logReplica(
  logger: Logger,
  about: { passId: string; version: number },
  replica: 'applied' | 'duplicate' | 'gap-skipped',
): void {
  if (replica === 'gap-skipped') logger.warn(about, 'pass version gap skipped: the replica took the whole pass');
  else logger.debug({ ...about, replica }, 'pass replica');
}
