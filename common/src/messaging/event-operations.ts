import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Executor } from '../db/create-database';
import { parkedOutboxRows, retryParkedOutboxRow } from '../db/outbox-relay';
import type { Subject } from '../events';
import { AdminCommandError, type AdminHandler } from './admin';
import { deleteDeadLetter, readDeadLetter } from './dead-letters';
import type { Listener } from './listener';

/**
 * The operator commands about a service's events (`npm run events -- dead|outbox …`):
 * - `dead-retry { seq }` replays a parked event through the listener of its subject and, once
 *   the handler succeeded, removes it from the dead-letter stream;
 * - `outbox-list` and `outbox-retry { id }` show and hand back the outbox rows the relay parked
 *   (for a service with an outbox: pass its database).
 * Merge them into the service's `serveAdminCommands` handlers.
 */
export function eventOperationCommands(
  nc: NatsConnection,
  {
    service,
    listeners,
    db,
    relay,
  }: { service: string; listeners: readonly Listener<Subject>[]; db?: Executor; relay?: { wake(): void } },
): Record<string, AdminHandler> {
  const outboxCommands: Record<string, AdminHandler> = db
    ? {
        'outbox-list': async () => parkedOutboxRows(db),
        'outbox-retry': async ({ id }) => {
          if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) {
            throw new AdminCommandError('id must be the id of an outbox row (1, 2, …)');
          }
          if (!(await retryParkedOutboxRow(db, id))) throw new AdminCommandError(`Outbox row ${id} is not parked`);
          relay?.wake();
          return { id, parked: false };
        },
      }
    : {};
  return {
    ...outboxCommands,
    'dead-retry': async ({ seq }) => {
      if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
        throw new AdminCommandError('seq must be the sequence of a dead letter (1, 2, …)');
      }
      const jsm = await jetstreamManager(nc);
      const letter = await readDeadLetter(jsm, seq);
      if (!letter) throw new AdminCommandError(`There is no dead letter ${seq}`);
      if (letter.service !== service) {
        throw new AdminCommandError(`Dead letter ${seq} belongs to ${letter.service}, not ${service}`);
      }
      const listener = listeners.find((candidate) => candidate.subject === letter.subject);
      if (!listener) throw new AdminCommandError(`${service} no longer listens to ${letter.subject}`);
      try {
        await listener.replay(letter.event, new Date(letter.parkedAt));
      } catch (error) {
        throw new AdminCommandError(
          `The handler failed again, so dead letter ${seq} stays parked: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      await deleteDeadLetter(jsm, seq);
      return { seq, subject: letter.subject, replayed: true };
    },
  };
}
