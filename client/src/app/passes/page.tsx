import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { LocalTime } from '@/components/local-time';
import { ServiceProblem } from '@/components/service-problem';
import { PassStatusBadge } from '@/components/status-badge';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import type { Order, Pass } from '@/lib/types';

export const metadata: Metadata = { title: 'My tickets' };

/** The buyer's passes, newest first: each one is what the door scans. */
export default async function MyPassesPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/passes" />;
  if (!session.user) redirect(signInPath('/passes'));

  const [passes, orders] = await Promise.all([
    apiGet<{ passes: Pass[] }>('/api/passes'),
    apiGet<{ orders: Order[] }>('/api/orders'),
  ]);
  // A pass names its order; the order knows the ticket's title. Without orders, the title is left out.
  const titles = new Map(orders.ok ? orders.data.orders.map((order) => [order.id, order.ticket.title]) : []);

  return (
    <>
      <div className="page-head">
        <h1>My tickets</h1>
      </div>
      {!passes.ok ? (
        passes.unreachable ? (
          <ServiceProblem what="Your tickets" retryHref="/passes" />
        ) : (
          <p className="notice notice--problem" role="alert">
            {passes.errors[0]?.message ?? 'Your tickets could not be loaded.'}
          </p>
        )
      ) : passes.data.passes.length === 0 ? (
        <div className="empty">
          <p>You have no tickets yet. A ticket you buy appears here once it is paid.</p>
          <p>
            <Link href="/">Find a ticket</Link>
          </p>
        </div>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Issued</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {passes.data.passes.map((pass) => (
              <tr key={pass.id}>
                <th scope="row" data-label="Ticket">
                  {titles.get(pass.orderId) ?? 'Ticket'}
                </th>
                <td data-label="Issued">
                  <LocalTime iso={pass.issuedAt} />
                </td>
                <td data-label="Status">
                  <PassStatusBadge status={pass.status} />
                </td>
                <td className="data-table__actions">
                  <Link href={`/passes/${pass.id}`}>{pass.status === 'valid' ? 'Show ticket' : 'View'}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
