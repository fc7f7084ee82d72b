import { AdminCommandError, requestAdminCommand } from '@ticketing/common';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, oneLine, withNats } from '../connection';
import { formatTable, type Output } from '../output';

/** The services whose state changes go through an outbox. */
export const OUTBOX_SERVICES = ['auth', 'tickets', 'orders', 'payments'] as const;

interface ParkedRow {
  id: number;
  eventId: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  parkedAt: string;
}

export interface OutboxOptions extends ConnectionOptions {
  action: 'list' | 'retry';
  /** list: one service (default every service with an outbox); retry: the row's service. */
  service?: string;
  id?: number;
  json?: boolean;
}

/**
 * `outbox list [service]` shows the outbox rows a service's relay parked (they could not be
 * published while NATS was healthy: a subject no stream captures, a payload over the limit);
 * `outbox retry <service> <id>` hands one back to the relay once its cause is fixed.
 */
export async function outboxCommand(options: OutboxOptions, output: Output): Promise<void> {
  const services = options.service ? [options.service] : [...OUTBOX_SERVICES];
  await withNats(options, async (nc) => {
    const ask = async (service: string, command: string, request: Record<string, unknown> = {}) => {
      try {
        return await requestAdminCommand(nc, service, command, request);
      } catch (error) {
        if (error instanceof AdminCommandError) throw new CliError(error.message);
        throw new CliError(`${service} did not answer (is it running?): ${oneLine(error)}`, ExitCode.ConnectionError);
      }
    };
    if (options.action === 'retry') {
      await ask(services[0]!, 'outbox-retry', { id: options.id });
      output.out(`Outbox row ${options.id} of ${services[0]} is pending again; the relay publishes it now.`);
      return;
    }
    const rows: (ParkedRow & { service: string })[] = [];
    for (const service of services) {
      for (const parked of (await ask(service, 'outbox-list')) as ParkedRow[]) rows.push({ ...parked, service });
    }
    if (options.json) {
      for (const parked of rows) output.out(JSON.stringify(parked));
      return;
    }
    if (rows.length === 0) {
      output.err('No parked outbox rows.');
      return;
    }
    const table = rows.map((parked) => [
      parked.service,
      String(parked.id),
      parked.subject,
      parked.eventId,
      String(parked.attempts),
      parked.parkedAt,
      parked.lastError ?? '',
    ]);
    for (const line of formatTable(['SERVICE', 'ID', 'SUBJECT', 'EVENT', 'ATTEMPTS', 'PARKED', 'LAST ERROR'], table)) {
      output.out(line);
    }
  });
}
