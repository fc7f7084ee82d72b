import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { FreshOnReturn } from '@/components/fresh-on-return';
import { PayoutAccountPanel } from '@/components/payout-account-panel';
import { PayoutList } from '@/components/payout-list';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import type { Payout, PayoutAccount, PayoutList as PayoutListAnswer, Ticket } from '@/lib/types';

export const metadata: Metadata = { title: 'My payouts' };

/** The titles of the sold tickets, one cheap GET each in parallel; a ticket that does not answer is left out. */
async function ticketTitles(payouts: Payout[]): Promise<Record<string, string>> {
  const ids = [...new Set(payouts.map((payout) => payout.ticketId))];
  const tickets = await Promise.all(ids.map((id) => apiGet<Ticket>(`/api/tickets/${encodeURIComponent(id)}`)));
  const titles: Record<string, string> = {};
  for (const ticket of tickets) if (ticket.ok) titles[ticket.data.id] = ticket.data.title;
  return titles;
}

/**
 * The seller's payout account (set it up here; Stripe's onboarding returns to this page) and
 * their sales, each with what it pays them and when.
 */
export default async function MyPayoutsPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/payouts" />;
  if (!session.user) redirect(signInPath('/payouts'));

  const [account, list] = await Promise.all([
    apiGet<PayoutAccount>('/api/payments/payout-account'),
    apiGet<PayoutListAnswer>('/api/payments/payouts'),
  ]);
  if ((!account.ok && account.unreachable) || (!list.ok && list.unreachable)) {
    return (
      <>
        <div className="page-head">
          <h1>My payouts</h1>
        </div>
        <ServiceProblem what="Payouts" retryHref="/payouts" />
      </>
    );
  }
  const titles = list.ok ? await ticketTitles(list.data.payouts) : {};

  return (
    <>
      {/* Back from Stripe's onboarding may restore this page from the router's cache: ask again. */}
      <FreshOnReturn renderId={randomUUID()} />
      <div className="page-head">
        <h1>My payouts</h1>
        <Link href="/tickets/mine" className="button button--secondary">
          My listings
        </Link>
      </div>
      <p className="muted">
        Each sale pays you its price less the seller fee. The money is held until after the event (or after the sale,
        for a ticket without an event), then paid to your payout account.
      </p>
      {account.ok ? (
        <PayoutAccountPanel account={account.data} />
      ) : (
        <p className="notice notice--problem" role="alert">
          {account.errors[0]?.message ?? 'Your payout account could not be loaded.'}
        </p>
      )}
      <h2 className="payouts__title">Sales</h2>
      {list.ok ? (
        <PayoutList payouts={list.data.payouts} titles={titles} />
      ) : (
        <p className="notice notice--problem" role="alert">
          {list.errors[0]?.message ?? 'Your payouts could not be loaded.'}
        </p>
      )}
    </>
  );
}
