import { formatPrice } from './format';
import type { PayoutAccount, PayoutState } from './types';

/** What the seller reads for a payout's state; `held` and `paid` add their date after these words. */
export const PAYOUT_STATE_WORDS: Record<PayoutState, string> = {
  held: 'Held until',
  awaiting_account: 'Waiting for your payout account',
  on_hold: 'On hold (buyer claim)',
  paid: 'Paid',
  cancelled: 'Cancelled (buyer refunded)',
  reversed: 'Reversed (buyer refunded)',
  failed: 'Payout failed — we are on it',
};

/** The money waiting for a payout account, in a sentence: "$42.75 from 1 sale is waiting for your payout account". */
export function awaitingText(awaiting: PayoutAccount['awaiting']): string | undefined {
  if (awaiting.sales <= 0) return undefined;
  const sales = awaiting.sales === 1 ? '1 sale' : `${awaiting.sales} sales`;
  return `${formatPrice(awaiting.amount, awaiting.currency)} from ${sales} is waiting for your payout account`;
}

/** Where the seller's payout account stands, in a sentence. */
export const ACCOUNT_STATUS_TEXT: Record<PayoutAccount['status'], string> = {
  none: 'You have not set up payouts yet. Set them up to get paid for your sales.',
  onboarding: 'Your payout account setup is not finished yet. Continue it to get paid for your sales.',
  ready: 'Each sale is paid to your payout account once its hold is over.',
};
