import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { OrderView } from '@/components/order-view';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { orderPhase } from '@/lib/order-phase';
import { apiGet, getSession } from '@/lib/server-api';
import { stripePublishableKey } from '@/lib/server-config';
import type { Order } from '@/lib/types';

export const metadata: Metadata = { title: 'Your order' };

type Params = Promise<{ orderId: string }>;

export default async function OrderPage({ params }: { params: Params }) {
  const { orderId } = await params;
  const path = `/orders/${orderId}`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await apiGet<Order>(`/api/orders/${encodeURIComponent(orderId)}`);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Orders" retryHref={path} />;
  const code = result.ok ? undefined : result.errors[0]?.code;
  // The session ended between the two calls: sign in again and come back.
  if (code === 'NOT_AUTHORIZED') redirect(signInPath(path));
  if (code === 'ORDER_NOT_OWNED') {
    return (
      <div className="narrow notice notice--problem">
        <h1>This is not your order</h1>
        <p>You can only see the orders you placed yourself.</p>
        <p>
          <Link href="/orders">Your orders</Link>
        </p>
      </div>
    );
  }
  if (!result.ok) notFound();

  const order = result.data;
  return (
    <div className="narrow">
      <h1>Your order</h1>
      <OrderView order={order} initialPhase={orderPhase(order)} publishableKey={stripePublishableKey()} />
    </div>
  );
}
