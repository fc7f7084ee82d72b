import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { LocalTime } from '@/components/local-time';
import { AllInPrice } from '@/components/price-breakdown';
import { ServiceProblem } from '@/components/service-problem';
import { OrderPhaseBadge } from '@/components/status-badge';
import { TimeLeft } from '@/components/time-left';
import { signInPath } from '@/lib/navigation';
import { orderPhase } from '@/lib/order-phase';
import { apiGet, getSession } from '@/lib/server-api';
import type { Order } from '@/lib/types';

export const metadata: Metadata = { title: 'My orders' };

export default async function MyOrdersPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/orders" />;
  if (!session.user) redirect(signInPath('/orders'));

  const result = await apiGet<{ orders: Order[] }>('/api/orders');
  const now = Date.now();

  return (
    <>
      <div className="page-head">
        <h1>My orders</h1>
      </div>
      {!result.ok ? (
        result.unreachable ? (
          <ServiceProblem what="Your orders" retryHref="/orders" />
        ) : (
          <p className="notice notice--problem" role="alert">
            {result.errors[0]?.message ?? 'Your orders could not be loaded.'}
          </p>
        )
      ) : result.data.orders.length === 0 ? (
        <div className="empty">
          <p>You have no orders yet.</p>
          <p>
            <Link href="/">Find a ticket</Link>
          </p>
        </div>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Reserved</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {result.data.orders.map((order) => {
              const phase = orderPhase(order, now);
              return (
                <tr key={order.id}>
                  <th scope="row" data-label="Ticket">
                    {order.ticket.title}
                  </th>
                  <td data-label="Reserved">
                    <LocalTime iso={order.createdAt} />
                  </td>
                  <td data-label="Total">
                    <AllInPrice amounts={order} of={order.ticket.title} />
                  </td>
                  <td data-label="Status">
                    <OrderPhaseBadge phase={phase} />
                    {phase === 'pending' ? (
                      <>
                        {' '}
                        <TimeLeft expiresAt={order.expiresAt} />
                      </>
                    ) : null}
                  </td>
                  <td className="data-table__actions">
                    <Link href={`/orders/${order.id}`}>
                      {phase === 'pending' ? 'Pay now' : 'View order'}
                      <span className="visually-hidden"> for {order.ticket.title}</span>
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
