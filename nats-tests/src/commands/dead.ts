import { jetstreamManager } from '@nats-io/jetstream';
import {
  AdminCommandError,
  type DeadLetter,
  deleteDeadLetter,
  listDeadLetters,
  readDeadLetter,
  requestAdminCommand,
} from '@ticketing/common';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, oneLine, withNats } from '../connection';
import { formatTable, type Output } from '../output';

export interface DeadOptions extends ConnectionOptions {
  action: 'list' | 'retry' | 'drop';
  /** list: only this service's dead letters. */
  service?: string;
  /** retry, drop: the dead letters' sequences in the dead-letter stream. */
  seqs?: number[];
  json?: boolean;
}

/**
 * `dead list` shows the events the services parked (they kept failing, or broke their contract);
 * `dead retry <seq>…` has the service that parked each one run it through its handler again
 * (once the cause is fixed) and removes it when that succeeds; `dead drop <seq>…` removes them.
 */
export async function dead(options: DeadOptions, output: Output): Promise<void> {
  await withNats(options, async (nc) => {
    if (options.action === 'list') {
      const letters = await listDeadLetters(nc, options.service ? { service: options.service } : {});
      if (options.json) {
        for (const letter of letters) output.out(JSON.stringify(letter));
        return;
      }
      if (letters.length === 0) {
        output.err(options.service ? `No dead letters of ${options.service}.` : 'No dead letters.');
        return;
      }
      for (const line of formatTable(
        ['SEQ', 'SERVICE', 'SUBJECT', 'STREAM SEQ', 'DELIVERIES', 'PARKED', 'EVENT', 'ERROR'],
        letters.map(row),
      )) {
        output.out(line);
      }
      return;
    }
    const jsm = await jetstreamManager(nc);
    let failed = 0;
    for (const seq of options.seqs ?? []) {
      const letter = await readDeadLetter(jsm, seq);
      if (!letter) {
        output.err(`There is no dead letter ${seq}.`);
        failed += 1;
        continue;
      }
      if (options.action === 'drop') {
        await deleteDeadLetter(jsm, seq);
        output.out(`Dropped dead letter ${seq} (${letter.service}, ${letter.subject}).`);
        continue;
      }
      try {
        await requestAdminCommand(nc, letter.service, 'dead-retry', { seq }, { timeoutMs: 30_000 });
        output.out(`Replayed dead letter ${seq} through ${letter.service}; it is no longer parked.`);
      } catch (error) {
        failed += 1;
        if (error instanceof AdminCommandError) output.err(error.message);
        else output.err(`${letter.service} did not answer (is it running?): ${oneLine(error)}`);
      }
    }
    if (failed > 0) {
      throw new CliError(
        `${failed} of ${options.seqs?.length ?? 0} dead letters were not ${options.action === 'drop' ? 'dropped' : 'replayed'}.`,
        ExitCode.UserError,
      );
    }
  });
}

function row(letter: DeadLetter): string[] {
  const event = letter.event as { eventId?: unknown } | undefined;
  return [
    String(letter.seq),
    letter.service,
    letter.subject,
    String(letter.streamSeq),
    String(letter.deliveries),
    letter.parkedAt,
    typeof event?.eventId === 'string' ? event.eventId : '-',
    letter.error,
  ];
}
