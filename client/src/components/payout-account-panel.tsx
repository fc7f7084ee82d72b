import { ACCOUNT_STATUS_TEXT, awaitingText } from '@/lib/payouts';
import type { PayoutAccount } from '@/lib/types';
import { PayoutSetup } from './payout-setup';

/** My payouts' account section: where the account stands, what waits for it, and the way to set it up. */
export function PayoutAccountPanel({ account }: { account: PayoutAccount }) {
  const ready = account.status === 'ready';
  const waiting = awaitingText(account.awaiting);
  return (
    <section
      className={`notice ${ready ? 'notice--success' : 'notice--info'} payout-account`}
      aria-labelledby="payout-account-title"
    >
      <h2 id="payout-account-title">{ready ? 'Payouts are ready' : 'Set up payouts'}</h2>
      <p>{ACCOUNT_STATUS_TEXT[account.status]}</p>
      {waiting ? (
        <p>
          <strong>{waiting}.</strong>
        </p>
      ) : null}
      <PayoutSetup status={account.status} />
    </section>
  );
}
