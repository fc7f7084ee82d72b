import { AdminCommandError, requestAdminCommand } from '@ticketing/common';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, oneLine, withNats } from '../connection';
import { formatTable, type Output } from '../output';

/** A refund intent as payments lists it. */
interface RefundIntent {
  id: string;
  paymentId: string;
  orderId: string;
  reason: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
}

export interface RefundsOptions extends ConnectionOptions {
  action: 'list' | 'retry';
  /** list: only intents in this state (pending, succeeded, not_needed, failed). */
  status?: string;
  /** retry: the parked intent to put back in the refund worker's hands. */
  id?: string;
  json?: boolean;
}

/**
 * `refunds list [--status failed]` shows payments' refund intents (failed = parked, refund_failed);
 * `refunds retry <id>` puts a parked one back once its cause is fixed (a dispute closed, say).
 * Answered by a running payments replica over NATS.
 */
export async function refunds(options: RefundsOptions, output: Output): Promise<void> {
  await withNats(options, async (nc) => {
    let result: unknown;
    try {
      result =
        options.action === 'list'
          ? await requestAdminCommand(nc, 'payments', 'refunds-list', options.status ? { status: options.status } : {})
          : await requestAdminCommand(nc, 'payments', 'refunds-retry', { id: options.id });
    } catch (error) {
      if (error instanceof AdminCommandError) throw new CliError(error.message);
      throw new CliError(`payments did not answer (is it running?): ${oneLine(error)}`, ExitCode.ConnectionError);
    }
    if (options.action === 'retry') {
      output.out(`Refund ${options.id} is pending again; the refund worker takes it now.`);
      return;
    }
    const intents = result as RefundIntent[];
    if (options.json) {
      for (const intent of intents) output.out(JSON.stringify(intent));
      return;
    }
    if (intents.length === 0) {
      output.err(options.status ? `No ${options.status} refunds.` : 'No refunds.');
      return;
    }
    const rows = intents.map((intent) => [
      intent.id,
      intent.status,
      String(intent.attempts),
      intent.orderId,
      intent.paymentId,
      intent.createdAt,
      intent.lastError ?? intent.reason,
    ]);
    for (const line of formatTable(
      ['ID', 'STATUS', 'ATTEMPTS', 'ORDER', 'PAYMENT', 'RECORDED', 'LAST ERROR / REASON'],
      rows,
    )) {
      output.out(line);
    }
  });
}
