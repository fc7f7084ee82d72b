import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { OrderView } from '@/components/order-view';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { orderPhase } from '@/lib/order-phase';
import { apiGet, getSession } from '@/lib/server-api';
import { stripePublishableKey } from '@/lib/server-config';
import type { Order, Pass } from '@/lib/types';

type Params = Promise<{ orderId: string }>;

/** Once per request: the title (generateMetadata) and the page both need the order. */
const loadOrder = cache(async (orderId: string) => apiGet<Order>(`/api/orders/${encodeURIComponent(orderId)}`));

/** Answers that mean there is no such order (400 is an id that is not a UUID). */
const MISSING = new Set([400, 404]);

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await loadOrder((await params).orderId);
  // Missing: the page is the not-found page, and so is its title.
  if (!result.ok && MISSING.has(result.status)) notFound();
  return { title: 'Your order' };
}

export default async function OrderPage({ params }: { params: Params }) {
  const { orderId } = await params;
  const path = `/orders/${orderId}`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await loadOrder(orderId);
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
  // A paid order's ticket: passes issues it a moment after the payment (order.completed).
  const passes = order.status === 'complete' ? await apiGet<{ passes: Pass[] }>('/api/passes') : undefined;
  const pass = passes?.ok ? passes.data.passes.find((candidate) => candidate.orderId === order.id) : undefined;
  return (
    <div className="narrow">
      <h1>Your order</h1>
      <OrderView
        order={order}
        initialPhase={orderPhase(order)}
        publishableKey={stripePublishableKey()}
        passId={pass?.id ?? null}
      />
    </div>
  );
}
