import { AdminCommandError, requestAdminCommand } from '@ticketing/common';
import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, oneLine, withNats } from '../connection';
import { formatTable, type Output } from '../output';

/** A payout as payments lists it (amounts in minor units). */
interface Payout {
  id: string;
  orderId: string;
  sellerId: string;
  amountCents: number;
  currency: string;
  status: string;
  attempts: number;
  lastError: string | null;
  transferId: string | null;
  createdAt: string;
}

export interface PayoutsOptions extends ConnectionOptions {
  action: 'list' | 'retry';
  /** list: only payouts in this state (held, paid, cancelled, reversed, failed). */
  status?: string;
  /** retry: the parked payout to put back in the payout scheduler's hands. */
  id?: string;
  json?: boolean;
}

/**
 * `payouts list [--status failed]` shows payments' payouts (failed = parked after repeated
 * refusals); `payouts retry <id>` puts a parked one back once its cause is fixed. Answered by a
 * running payments replica over NATS.
 */
export async function payouts(options: PayoutsOptions, output: Output): Promise<void> {
  await withNats(options, async (nc) => {
    let result: unknown;
    try {
      result =
        options.action === 'list'
          ? await requestAdminCommand(nc, 'payments', 'payouts-list', options.status ? { status: options.status } : {})
          : await requestAdminCommand(nc, 'payments', 'payouts-retry', { id: options.id });
    } catch (error) {
      if (error instanceof AdminCommandError) throw new CliError(error.message);
      throw new CliError(`payments did not answer (is it running?): ${oneLine(error)}`, ExitCode.ConnectionError);
    }
    if (options.action === 'retry') {
      output.out(`Payout ${options.id} is held again; the payout scheduler takes it at its next sweep.`);
      return;
    }
    const rows = result as Payout[];
    if (options.json) {
      for (const payout of rows) output.out(JSON.stringify(payout));
      return;
    }
    if (rows.length === 0) {
      output.err(options.status ? `No ${options.status} payouts.` : 'No payouts.');
      return;
    }
    const table = rows.map((payout) => [
      payout.id,
      payout.status,
      String(payout.attempts),
      payout.orderId,
      payout.sellerId,
      `${payout.amountCents} ${payout.currency}`,
      payout.lastError ?? payout.transferId ?? '',
    ]);
    for (const line of formatTable(
      ['ID', 'STATUS', 'ATTEMPTS', 'ORDER', 'SELLER', 'AMOUNT (MINOR UNITS)', 'LAST ERROR / TRANSFER'],
      table,
    )) {
      output.out(line);
    }
  });
}
