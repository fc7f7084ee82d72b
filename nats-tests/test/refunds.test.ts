import { AdminCommandError } from '@ticketing/common';
import { servedByPayments } from './helpers';

const retried: string[] = [];

const PARKED = {
  id: '5e0c8a43-95f0-4a39-8d0c-6f2f8c7b1a11',
  paymentId: '8f1c2a0e-1111-4c8e-9a2b-3c4d5e6f7a8b',
  orderId: '0b9e7d6c-2222-4f3e-8d1c-9a8b7c6d5e4f',
  reason: 'order cancelled',
  status: 'failed',
  attempts: 1,
  nextAttemptAt: '2026-12-06T10:00:00.000Z',
  lastError: 'Charge ch_1 has been disputed; it cannot be refunded.',
  createdAt: '2026-12-06T09:59:58.000Z',
};

const { run, stopPayments } = servedByPayments({
  'refunds-list': async ({ status }) => (status === undefined || status === 'failed' ? [PARKED] : []),
  'refunds-retry': async ({ id }) => {
    if (id !== PARKED.id) throw new AdminCommandError(`Refund ${String(id)} is not parked`);
    retried.push(id);
    return { id, status: 'pending' };
  },
});

describe('refunds', () => {
  it('when listing failed refunds, then each parked refund is a row with its last error', async () => {
    const { exitCode, output } = await run('refunds', 'list', '--status', 'failed');

    expect(exitCode).toBe(0);
    expect(output.lines[0]).toMatch(/^ID\s+STATUS\s+ATTEMPTS\s+ORDER\s+PAYMENT\s+RECORDED\s+LAST ERROR \/ REASON$/);
    expect(output.lines[1]).toContain(PARKED.id);
    expect(output.lines[1]).toContain('has been disputed');
  });

  it('when listing as JSON or a state with no refunds, then it prints JSON lines or says there are none', async () => {
    const json = await run('refunds', 'list', '--json');
    expect(json.output.lines.map((line) => JSON.parse(line))).toEqual([PARKED]);

    const none = await run('refunds', 'list', '--status', 'pending');
    expect(none.output.lines).toEqual([]);
    expect(none.output.notes).toEqual(['No pending refunds.']);
  });

  it('when retrying a parked refund, then payments takes it back; an unknown one is refused with exit code 1', async () => {
    expect((await run('refunds', 'retry', PARKED.id)).exitCode).toBe(0);
    expect(retried).toEqual([PARKED.id]);

    const refused = await run('refunds', 'retry', '00000000-0000-4000-8000-000000000000');
    expect(refused.exitCode).toBe(1);
    expect(refused.output.notes).toEqual(['Refund 00000000-0000-4000-8000-000000000000 is not parked']);
  });

  it('when the command is incomplete or payments does not run, then it says so', async () => {
    expect((await run('refunds', 'retry')).output.notes[0]).toMatch(/Use "refunds list/);
    await stopPayments();
    const unanswered = await run('refunds', 'list');
    expect(unanswered.exitCode).toBe(2);
    expect(unanswered.output.notes[0]).toMatch(/^payments did not answer \(is it running\?\)/);
  });
});
