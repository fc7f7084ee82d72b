import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { Countdown } from '@/components/countdown';
import { FreshOnReturn } from '@/components/fresh-on-return';
import { ListingToggle } from '@/components/listing-toggle';
import { LocalTime } from '@/components/local-time';
import { AllInPrice } from '@/components/price-breakdown';
import { PurchaseButton } from '@/components/purchase-button';
import { ResaleListingState } from '@/components/resale-listing-state';
import { SavedNotice } from '@/components/saved-notice';
import { ServiceProblem } from '@/components/service-problem';
import { TicketStatusBadge } from '@/components/status-badge';
import { allInPrice, sellerReceives } from '@/lib/fees';
import { formatDate, formatPrice } from '@/lib/format';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import { buyerFeePercent, sellerFeePercent } from '@/lib/server-config';
import type { CatalogEvent, Order, Ticket } from '@/lib/types';

type Params = Promise<{ ticketId: string }>;

/** Once per request: the title (generateMetadata) and the page both need the ticket. */
const loadTicket = cache(async (ticketId: string) => apiGet<Ticket>(`/api/tickets/${encodeURIComponent(ticketId)}`));

/**
 * The order that holds the ticket, when it is the visitor's own: orders answers only its buyer
 * (anyone else gets 401 ORDER_NOT_OWNED), so a stranger's reservation stays a stranger's.
 */
async function visitorsOrder(ticket: Ticket, signedIn: boolean): Promise<Order | undefined> {
  if (!signedIn || !ticket.orderId || ticket.status === 'available') return undefined;
  const result = await apiGet<Order>(`/api/orders/${encodeURIComponent(ticket.orderId)}`);
  return result.ok ? result.data : undefined;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await loadTicket((await params).ticketId);
  // Missing (or not an id): the page is the not-found page, and so is its title.
  if (!result.ok && !result.unreachable) notFound();
  return { title: result.ok ? result.data.title : 'Ticket' };
}

export default async function TicketPage({ params }: { params: Params }) {
  const { ticketId } = await params;
  const [result, session] = await Promise.all([loadTicket(ticketId), getSession()]);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Tickets" retryHref={`/tickets/${ticketId}`} />;
  // 400 is an id that is not a UUID: as good as missing.
  if (!result.ok) notFound();

  const ticket = result.data;
  const mine = session.user?.id === ticket.userId;
  const [order, event] = await Promise.all([
    mine ? undefined : visitorsOrder(ticket, session.user !== null),
    ticket.eventId ? apiGet<CatalogEvent>(`/api/events/${ticket.eventId}`) : undefined,
  ]);
  const holding = order !== undefined && (order.status === 'created' || order.status === 'awaiting:payment');
  const bought = order?.status === 'complete';

  return (
    <article className="ticket-detail card">
      <FreshOnReturn renderId={randomUUID()} />
      {mine ? <SavedNotice ticketId={ticket.id} version={ticket.version} /> : null}
      <p className="ticket-detail__status">
        <TicketStatusBadge status={ticket.status} />
      </p>
      <h1 className="ticket-detail__title">{ticket.title}</h1>
      {mine ? (
        <>
          <p className="ticket-detail__price price">{formatPrice(ticket.price, ticket.currency)}</p>
          <p className="muted">
            Buyers pay{' '}
            {formatPrice(allInPrice(ticket.price, ticket.currency, buyerFeePercent()).total, ticket.currency)} with the
            service fee; you will receive{' '}
            {formatPrice(sellerReceives(ticket.price, ticket.currency, sellerFeePercent()), ticket.currency)}.
          </p>
        </>
      ) : (
        <AllInPrice
          // The visitor's own order keeps the amounts it was reserved at; anyone else sees today's.
          amounts={order ?? allInPrice(ticket.price, ticket.currency, buyerFeePercent())}
          className="ticket-detail__price"
        />
      )}
      {event?.ok ? (
        <p className="ticket-detail__event">
          For <Link href={`/events/${event.data.id}`}>{event.data.name}</Link> · <LocalTime iso={event.data.startsAt} />{' '}
          · {event.data.venue}, {event.data.city}
        </p>
      ) : null}
      {ticket.seat || ticket.faceValue ? (
        <p className="ticket-detail__seat">
          {ticket.seat ? `Section ${ticket.seat.section} · Row ${ticket.seat.row} · Seat ${ticket.seat.seat}` : null}
          {ticket.seat && ticket.faceValue ? ' · ' : null}
          {ticket.faceValue ? `Face value ${formatPrice(ticket.faceValue, ticket.currency)}` : null}
        </p>
      ) : null}

      {mine ? (
        <div className="ticket-detail__actions">
          <p>This is your listing{ticket.resaleOfPassId ? ' of a ticket you bought' : ''}.</p>
          <ResaleListingState ticket={ticket} />
          {ticket.status === 'withdrawn' && !ticket.resaleOfPassId ? (
            <p className="notice notice--info">
              You have unlisted this ticket: buyers cannot find or buy it until you relist it.
            </p>
          ) : null}
          {ticket.status === 'reserved' ? (
            <p className="notice notice--info">
              A buyer has reserved this ticket and is paying for it. If the reservation ends unpaid, you can edit or
              unlist it again.
            </p>
          ) : null}
          {ticket.status === 'sold' ? (
            <p className="notice notice--success">
              You sold this ticket
              {ticket.soldAt ? (
                <>
                  {' '}
                  on <time dateTime={ticket.soldAt}>{formatDate(ticket.soldAt)}</time>
                </>
              ) : null}
              .
            </p>
          ) : null}
          {ticket.status === 'available' || ticket.status === 'withdrawn' ? (
            <div className="seller-actions">
              <Link href={`/tickets/${ticket.id}/edit`} className="button">
                Edit ticket
              </Link>
              <ListingToggle ticketId={ticket.id} status={ticket.status} />
            </div>
          ) : null}
        </div>
      ) : null}

      {!mine && !holding && !bought && session.user ? (
        <div className="ticket-detail__actions">
          <PurchaseButton ticketId={ticket.id} onSale={ticket.status === 'available'} />
          {ticket.status === 'available' ? (
            <p className="muted">Purchasing reserves the ticket for you while you pay.</p>
          ) : null}
        </div>
      ) : null}

      {!mine && ticket.status === 'available' && !session.user ? (
        <div className="ticket-detail__actions">
          <Link href={signInPath(`/tickets/${ticket.id}`)} className="button button--large">
            Sign in to purchase
          </Link>
          <p className="muted">
            No account yet? <Link href={`/auth/signup?next=/tickets/${ticket.id}`}>Sign up</Link>
          </p>
        </div>
      ) : null}

      {holding ? (
        <div className="notice notice--info ticket-detail__held">
          <p>
            <strong>You have reserved this ticket.</strong>
          </p>
          <Countdown expiresAt={order.expiresAt} />
          <Link href={`/orders/${order.id}`} className="button button--large">
            Continue to payment
          </Link>
        </div>
      ) : null}

      {bought ? (
        <p className="notice notice--success">
          You bought this ticket — <Link href={`/orders/${order.id}`}>view your order</Link>.
        </p>
      ) : null}

      {!mine && !holding && ticket.status === 'reserved' ? (
        <p className="notice notice--info">
          Someone is buying this ticket right now. If they do not pay in time it goes back on sale — check again in a
          few minutes.
        </p>
      ) : null}

      {!mine && ticket.resaleOfPassId && ticket.status === 'available' ? (
        <p className="muted">
          A resold ticket: when you pay, the seller’s ticket is cancelled and a new one is issued to you.
        </p>
      ) : null}

      {!mine && ticket.status === 'pending' ? (
        <p className="notice notice--info">This ticket is not on sale yet: its seller’s ticket is being locked.</p>
      ) : null}

      {!mine && ticket.status === 'rejected' ? (
        <p className="notice notice--info">This ticket is not on sale: its listing was refused.</p>
      ) : null}

      {!mine && ticket.status === 'withdrawn' ? (
        <p className="notice notice--info">This ticket is not on sale: its seller has unlisted it.</p>
      ) : null}

      {!mine && !bought && ticket.status === 'sold' ? (
        <p className="notice notice--info">This ticket has been sold.</p>
      ) : null}

      <p>
        <Link href="/">← All tickets</Link>
      </p>
    </article>
  );
}
