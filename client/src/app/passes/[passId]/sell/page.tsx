import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { PayoutNotice } from '@/components/payout-notice';
import { SellPassForm } from '@/components/sell-pass-form';
import { ServiceProblem } from '@/components/service-problem';
import { formatPrice } from '@/lib/format';
import { signInPath } from '@/lib/navigation';
import { canResell, resaleCap } from '@/lib/resale';
import { apiGet, getPayoutAccount, getSession } from '@/lib/server-api';
import { resalePriceCapPercent, sellerFeePercent } from '@/lib/server-config';
import type { CatalogEvent, Order, PassDetail, Ticket } from '@/lib/types';

type Params = Promise<{ passId: string }>;

export const metadata: Metadata = { title: 'Sell your ticket' };

/** Answers that mean there is no such pass for this reader (400 is an id that is not a UUID). */
const MISSING = new Set([400, 404]);

/**
 * Resell a pass (secure swap): the price may be at most `RESALE_PRICE_CAP_PERCENT` of what the
 * holder paid — the price of the pass's order, since a pass does not carry it.
 */
export default async function SellPassPage({ params }: { params: Params }) {
  const { passId } = await params;
  const path = `/passes/${passId}/sell`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await apiGet<PassDetail>(`/api/passes/${encodeURIComponent(passId)}`);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Your tickets" retryHref={path} />;
  if (!result.ok && result.errors[0]?.code === 'NOT_AUTHORIZED') redirect(signInPath(path));
  if (!result.ok && MISSING.has(result.status)) notFound();
  if (!result.ok) {
    return (
      <p className="notice notice--problem" role="alert">
        {result.errors[0]?.message ?? 'This ticket could not be loaded.'}
      </p>
    );
  }
  const pass = result.data;
  const [order, ticket, event, payoutAccount] = await Promise.all([
    apiGet<Order>(`/api/orders/${encodeURIComponent(pass.orderId)}`),
    apiGet<Ticket>(`/api/tickets/${encodeURIComponent(pass.ticketId)}`),
    pass.eventId ? apiGet<CatalogEvent>(`/api/events/${encodeURIComponent(pass.eventId)}`) : undefined,
    getPayoutAccount(),
  ]);
  if (!order.ok) return <ServiceProblem what="Orders" retryHref={path} />;
  if (event && !event.ok) return <ServiceProblem what="Events" retryHref={path} />;
  const title = ticket.ok ? ticket.data.title : order.data.ticket.title;
  const back = (
    <p>
      <Link href={`/passes/${pass.id}`}>← Back to your ticket</Link>
    </p>
  );

  if (!canResell(pass, event?.data.startsAt)) {
    const why =
      pass.status === 'listed'
        ? 'This ticket is already listed for resale.'
        : pass.status === 'valid'
          ? 'Its event has started: the ticket can no longer be resold.'
          : pass.status === 'admitted'
            ? 'This ticket was used at the door: it can no longer be resold.'
            : pass.revocationReason === 'refunded'
              ? 'Your order of this ticket was refunded: it can no longer be resold.'
              : 'This ticket was replaced by a newer one: it can no longer be resold.';
    return (
      <div className="narrow">
        <h1>Sell your ticket</h1>
        <p className="notice notice--info">{why}</p>
        {back}
      </div>
    );
  }

  const cap = resaleCap(order.data.price, order.data.currency, resalePriceCapPercent());
  const seat = ticket.ok ? ticket.data.seat : null;
  return (
    <div className="narrow">
      <h1>Sell your ticket</h1>
      <p>
        <strong>{title}</strong>
        {event?.ok ? ` · ${event.data.name}` : null}
        {seat ? ` · Section ${seat.section} · Row ${seat.row} · Seat ${seat.seat}` : null}
      </p>
      <p className="muted">
        {/* The order's stored amounts: the cap is on the ticket's price, not on the service fee paid with it. */}
        You paid {formatPrice(order.data.total, cap.currency)} ({formatPrice(cap.paid, cap.currency)} for the ticket and
        a {formatPrice(order.data.buyerFee, cap.currency)} service fee). Resale prices are capped at {cap.percent}% of
        the ticket’s price. Once your listing is on sale, your ticket is locked: it cannot be used at the door until you
        unlist it. When a buyer pays, your ticket is cancelled and the buyer gets a new one.
      </p>
      <PayoutNotice account={payoutAccount} />
      <SellPassForm passId={pass.id} cap={cap} title={title} sellerFeePercent={sellerFeePercent()} />
      {back}
    </div>
  );
}
