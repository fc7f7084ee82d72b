/**
 * The sellers' side of the money ledger, on rows made up for each rule: each payout is the price
 * less the seller fee, none is paid twice, a seller keeps exactly what a paid payout pays, and a
 * refunded order's payout is cancelled or reversed — never paid and kept.
 */
import { type LedgerPayout, type LedgerTransfer, payoutLedgerViolations } from './payout-ledger';

const order = { id: 'o1', status: 'complete', price_cents: 4500 };
const payout = (overrides: Partial<LedgerPayout> = {}): LedgerPayout => ({
  id: 'p1',
  order_id: 'o1',
  price_cents: 4500,
  seller_fee_cents: 225,
  amount_cents: 4275,
  status: 'held',
  transfer_id: null,
  reversal_id: null,
  refunded: false,
  ...overrides,
});
const transfer = (overrides: Partial<LedgerTransfer> = {}): LedgerTransfer => ({
  id: 'tr1',
  payout_id: 'p1',
  order_id: 'o1',
  amount: 4275,
  reversed: false,
  ...overrides,
});
const check = (
  payouts: LedgerPayout[],
  transfers: LedgerTransfer[] = [],
  { refunded = [] as string[], moneySettled = true } = {},
) => payoutLedgerViolations({ orders: [order], payouts, transfers, refundedOrders: new Set(refunded), moneySettled });

describe('the payout ledger', () => {
  it('when a held payout owes the price less 5 %, or a paid one was transferred once, then nothing is reported', () => {
    expect(check([payout()])).toEqual([]);
    expect(check([payout({ status: 'paid', transfer_id: 'tr1' })], [transfer()])).toEqual([]);
  });

  it('when a payout owes another amount than price − seller fee, then it is reported', () => {
    expect(check([payout({ amount_cents: 4500, seller_fee_cents: 0 })])).toEqual([
      expect.stringContaining('pays 4500'),
    ]);
  });

  it('when a payout was transferred twice, then it is reported (and the seller keeps too much)', () => {
    const violations = check([payout({ status: 'paid', transfer_id: 'tr1' })], [transfer(), transfer({ id: 'tr2' })]);
    expect(violations).toContainEqual(expect.stringContaining('transferred 2 times'));
    expect(violations).toContainEqual(expect.stringContaining('keeps 8550'));
  });

  it('when a refunded order was paid out and kept, then it is reported; cancelled or reversed is right', () => {
    expect(check([payout({ status: 'paid', transfer_id: 'tr1' })], [transfer()], { refunded: ['o1'] })).toEqual([
      expect.stringContaining('was refunded but payout p1 of order o1 is paid'),
    ]);
    expect(check([payout({ status: 'cancelled', refunded: true })], [], { refunded: ['o1'] })).toEqual([]);
    expect(
      check(
        [payout({ status: 'reversed', transfer_id: 'tr1', reversal_id: 'trr1', refunded: true })],
        [transfer({ reversed: true })],
        { refunded: ['o1'] },
      ),
    ).toEqual([]);
  });

  it('when the refund is recorded and the reversal not yet swept, then only a settled check reports it', () => {
    const due = [payout({ status: 'paid', transfer_id: 'tr1', refunded: true })];
    expect(check(due, [transfer()], { refunded: ['o1'], moneySettled: false })).toEqual([]);
    expect(check(due, [transfer()], { refunded: ['o1'], moneySettled: true })).toHaveLength(1);
  });

  it('when a cancelled payout was transferred anyway, or a transfer names no payout, then it is reported', () => {
    expect(check([payout({ status: 'cancelled' })], [transfer()])).toEqual([expect.stringContaining('keeps 4275')]);
    expect(check([payout()], [transfer({ payout_id: 'p9' })])).toEqual([
      expect.stringContaining('unknown to payments'),
    ]);
  });

  it('when a payout is reversed without its reversal, or paid without a transfer, then it is reported', () => {
    expect(check([payout({ status: 'reversed', transfer_id: 'tr1' })])).toContainEqual(
      expect.stringContaining('without a reversal'),
    );
    expect(check([payout({ status: 'paid' })])).toContainEqual(expect.stringContaining('without a transfer'));
  });
});
