import Link from 'next/link';
import { awaitingText } from '@/lib/payouts';
import type { PayoutAccount } from '@/lib/types';

/**
 * Tells a seller without a ready payout account to set one up, with what their sales hold for it
 * when asked (`showAwaiting`). Nothing when the account is ready or unknown (payments did not
 * answer): listing is open to everyone, so this never stands in the way of a form.
 */
export function PayoutNotice({ account, showAwaiting = false }: { account?: PayoutAccount; showAwaiting?: boolean }) {
  if (!account || account.status === 'ready') return null;
  const waiting = showAwaiting ? awaitingText(account.awaiting) : undefined;
  return (
    <p className="notice notice--info payout-notice">
      {waiting ? `${waiting}. ` : null}
      <Link href="/payouts">Set up payouts to get paid for your sales</Link>
    </p>
  );
}
