import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ListingToggle } from '@/components/listing-toggle';
import { Pagination } from '@/components/pagination';
import { PayoutNotice } from '@/components/payout-notice';
import { PendingListingsRefresh } from '@/components/resale-listing-state';
import { ServiceProblem } from '@/components/service-problem';
import { TicketStatusBadge } from '@/components/status-badge';
import { readTrail } from '@/lib/cursor-trail';
import { formatDate, formatPrice } from '@/lib/format';
import { signInPath } from '@/lib/navigation';
import { rejectionText } from '@/lib/resale';
import { apiGet, getPayoutAccount, getSession } from '@/lib/server-api';
import type { TicketPage } from '@/lib/types';

export const metadata: Metadata = { title: 'My listings' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function MyListingsPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/tickets/mine" />;
  if (!session.user) redirect(signInPath('/tickets/mine'));

  const trail = readTrail('/tickets/mine', await searchParams, {});
  const query = new URLSearchParams({ mine: 'true', limit: '20' });
  if (trail.cursor) query.set('cursor', trail.cursor);
  const [result, payoutAccount] = await Promise.all([apiGet<TicketPage>(`/api/tickets?${query}`), getPayoutAccount()]);

  return (
    <>
      <div className="page-head">
        <h1>My listings</h1>
        <div className="button-row">
          <Link href="/payouts" className="button button--secondary">
            My payouts
          </Link>
          <Link href="/tickets/new" className="button">
            Sell a ticket
          </Link>
        </div>
      </div>
      <PayoutNotice account={payoutAccount} showAwaiting />
      {!result.ok ? (
        result.unreachable ? (
          <ServiceProblem what="Your listings" retryHref="/tickets/mine" />
        ) : (
          <p className="notice notice--problem" role="alert">
            {result.errors[0]?.message ?? 'Your listings could not be loaded.'}
          </p>
        )
      ) : result.data.tickets.length === 0 ? (
        <div className="empty">
          <p>You have not listed any tickets{trail.cursor ? ' on this page' : ''}.</p>
          <p>
            <Link href="/tickets/new">Sell your first ticket</Link>
          </p>
        </div>
      ) : (
        <>
          <PendingListingsRefresh pending={result.data.tickets.some((ticket) => ticket.status === 'pending')} />
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Price</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.tickets.map((ticket) => (
                <tr key={ticket.id}>
                  <th scope="row" data-label="Ticket">
                    <Link href={`/tickets/${ticket.id}`}>{ticket.title}</Link>
                  </th>
                  <td data-label="Price" className="price">
                    {formatPrice(ticket.price, ticket.currency)}
                  </td>
                  <td data-label="State">
                    <TicketStatusBadge status={ticket.status} />
                    {ticket.status === 'sold' && ticket.soldAt ? (
                      <span className="listing-sold-at">
                        {' '}
                        on <time dateTime={ticket.soldAt}>{formatDate(ticket.soldAt)}</time>
                      </span>
                    ) : null}
                    {ticket.status === 'pending' ? (
                      <span className="listing-note">
                        {' '}
                        Locking your pass… your listing goes on sale when it is locked.
                      </span>
                    ) : null}
                    {ticket.status === 'rejected' ? (
                      <span className="listing-note"> Refused: {rejectionText(ticket.rejectionReason)}.</span>
                    ) : null}
                  </td>
                  <td className="data-table__actions">
                    {ticket.status === 'available' || ticket.status === 'withdrawn' ? (
                      <div className="seller-actions">
                        <Link href={`/tickets/${ticket.id}/edit`}>
                          Edit<span className="visually-hidden"> {ticket.title}</span>
                        </Link>
                        <ListingToggle ticketId={ticket.id} status={ticket.status} title={ticket.title} />
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination trail={trail} nextCursor={result.data.nextCursor} />
        </>
      )}
    </>
  );
}
