import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { ClaimPanel } from '@/components/claim-panel';
import { OrderView } from '@/components/order-view';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { orderPhase } from '@/lib/order-phase';
import { apiGet, getSession } from '@/lib/server-api';
import { stripePublishableKey } from '@/lib/server-config';
import type { Claim, ClaimList, Order, OrderHistory, Pass } from '@/lib/types';

type Params = Promise<{ orderId: string }>;

/** Once per request: the title (generateMetadata) and the page both need the order. */
const loadOrder = cache(async (orderId: string) => apiGet<Order>(`/api/orders/${encodeURIComponent(orderId)}`));

/** Answers that mean there is no such order (400 is an id that is not a UUID). */
const MISSING = new Set([400, 404]);

/** Steps after which a claim comes too late: the seller was paid, or the buyer refunded. */
const CLAIM_WINDOW_CLOSED = new Set(['payout_paid', 'payout_cancelled', 'payout_reversal_due', 'payout_reversed']);

/** The buyer guarantee of a completed order: their claim, and whether one can still be opened. */
async function loadGuarantee(orderId: string): Promise<{ claim: Claim | null; windowOpen: boolean } | undefined> {
  const [claims, history] = await Promise.all([
    apiGet<ClaimList>('/api/payments/claims'),
    apiGet<OrderHistory>(`/api/payments/orders/${encodeURIComponent(orderId)}/history`),
  ]);
  // payments has not heard of the order yet, or cannot be reached: nothing to offer now.
  if (!claims.ok || !history.ok) return undefined;
  const claim = claims.data.claims.find((candidate) => candidate.orderId === orderId) ?? null;
  const windowOpen = !history.data.entries.some((entry) => CLAIM_WINDOW_CLOSED.has(entry.kind));
  return { claim, windowOpen };
}

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
  const guarantee = order.status === 'complete' ? await loadGuarantee(order.id) : undefined;
  return (
    <div className="narrow">
      <h1>Your order</h1>
      <OrderView
        order={order}
        initialPhase={orderPhase(order)}
        publishableKey={stripePublishableKey()}
        passId={pass?.id ?? null}
      />
      {guarantee ? <ClaimPanel orderId={order.id} claim={guarantee.claim} windowOpen={guarantee.windowOpen} /> : null}
    </div>
  );
}
