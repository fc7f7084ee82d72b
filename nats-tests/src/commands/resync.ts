import { AdminCommandError, requestAdminCommand } from '@ticketing/common';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, oneLine, withNats } from '../connection';
import type { Output } from '../output';

/** The services that own entities others replicate: tickets (ticket.*) and orders (order.*). */
export const RESYNC_SOURCES = ['tickets', 'orders'] as const;

/**
 * `resync <service>`: the service republishes the current state of every entity it owns, as
 * resync events that replicas apply whatever version they hold (the disaster-recovery step after
 * restoring one database from a backup). Answered by a running replica of that service.
 */
export async function resync(options: ConnectionOptions & { service: string }, output: Output): Promise<void> {
  await withNats(options, async (nc) => {
    let result: { republished: number };
    try {
      result = (await requestAdminCommand(nc, options.service, 'resync', {}, { timeoutMs: 600_000 })) as {
        republished: number;
      };
    } catch (error) {
      if (error instanceof AdminCommandError) throw new CliError(error.message);
      throw new CliError(
        `${options.service} did not answer (is it running?): ${oneLine(error)}`,
        ExitCode.ConnectionError,
      );
    }
    output.out(
      `${options.service} republished ${result.republished} entities as resync events; the replicas apply them as they arrive (watch with "status").`,
    );
  });
}
