import { AdminCommandError } from '@ticketing/common';
import { servedByPayments } from './helpers';

const retried: string[] = [];

const PARKED = {
  id: '7a0c8a43-95f0-4a39-8d0c-6f2f8c7b1a22',
  orderId: '0b9e7d6c-2222-4f3e-8d1c-9a8b7c6d5e4f',
  sellerId: '3c4d5e6f-3333-4a8b-9c0d-1e2f3a4b5c6d',
  amountCents: 4275,
  currency: 'usd',
  status: 'failed',
  attempts: 5,
  lastError: 'You have insufficient available funds in your Stripe account.',
  transferId: null,
  createdAt: '2026-12-06T09:59:58.000Z',
};

const { run, stopPayments } = servedByPayments({
  'payouts-list': async ({ status }) => (status === undefined || status === 'failed' ? [PARKED] : []),
  'payouts-retry': async ({ id }) => {
    if (id !== PARKED.id) throw new AdminCommandError(`Payout ${String(id)} is not parked`);
    retried.push(id);
    return { id, status: 'held' };
  },
});

describe('payouts', () => {
  it('when listing failed payouts, then each parked payout is a row with its amount and last error', async () => {
    const { exitCode, output } = await run('payouts', 'list', '--status', 'failed');

    expect(exitCode).toBe(0);
    expect(output.lines[0]).toMatch(
      /^ID\s+STATUS\s+ATTEMPTS\s+ORDER\s+SELLER\s+AMOUNT \(MINOR UNITS\)\s+LAST ERROR \/ TRANSFER$/,
    );
    expect(output.lines[1]).toContain(PARKED.id);
    expect(output.lines[1]).toContain('4275 usd');
    expect(output.lines[1]).toContain('insufficient available funds');
  });

  it('when listing as JSON or a state with no payouts, then it prints JSON lines or says there are none', async () => {
    const json = await run('payouts', 'list', '--json');
    expect(json.output.lines.map((line) => JSON.parse(line))).toEqual([PARKED]);

    const none = await run('payouts', 'list', '--status', 'paid');
    expect(none.output.lines).toEqual([]);
    expect(none.output.notes).toEqual(['No paid payouts.']);
  });

  it('when retrying a parked payout, then payments takes it back; an unknown one is refused with exit code 1', async () => {
    const done = await run('payouts', 'retry', PARKED.id);
    expect(done.exitCode).toBe(0);
    expect(done.output.lines).toEqual([
      `Payout ${PARKED.id} is held again; the payout scheduler takes it at its next sweep.`,
    ]);
    expect(retried).toEqual([PARKED.id]);

    const refused = await run('payouts', 'retry', '00000000-0000-4000-8000-000000000000');
    expect(refused.exitCode).toBe(1);
    expect(refused.output.notes).toEqual(['Payout 00000000-0000-4000-8000-000000000000 is not parked']);
  });

  it('when the command is incomplete, asks for help or payments does not run, then it says so', async () => {
    expect((await run('payouts', 'retry')).output.notes[0]).toMatch(/Use "payouts list/);
    expect((await run('payouts', '--help')).output.lines.join('\n')).toMatch(/npm run events -- payouts retry <id>/);
    await stopPayments();
    const unanswered = await run('payouts', 'list');
    expect(unanswered.exitCode).toBe(2);
    expect(unanswered.output.notes[0]).toMatch(/^payments did not answer \(is it running\?\)/);
  });
});
