import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { LocalTime } from '@/components/local-time';
import { AllInPrice } from '@/components/price-breakdown';
import { ServiceProblem } from '@/components/service-problem';
import { allInPrice } from '@/lib/fees';
import { apiGet, getSession } from '@/lib/server-api';
import { buyerFeePercent } from '@/lib/server-config';
import type { CatalogEventWithListings, Ticket } from '@/lib/types';

type Params = Promise<{ eventId: string }>;

const loadEvent = cache(async (eventId: string) =>
  apiGet<CatalogEventWithListings>(`/api/events/${encodeURIComponent(eventId)}`),
);

/** Answers that mean there is no such event (400 is an id that is not a UUID). */
const MISSING = new Set([400, 404]);

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await loadEvent((await params).eventId);
  if (!result.ok && MISSING.has(result.status)) notFound();
  return { title: result.ok ? result.data.name : 'Event' };
}

function seatText(seat: Ticket['seat']): string {
  return seat ? `Section ${seat.section} · Row ${seat.row} · Seat ${seat.seat}` : 'Seat not given';
}

/** One event: when and where, and its tickets on sale, cheapest first, with their seats. */
export default async function EventPage({ params }: { params: Params }) {
  const { eventId } = await params;
  const path = `/events/${eventId}`;
  const [result, session] = await Promise.all([loadEvent(eventId), getSession()]);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Events" retryHref={path} />;
  if (!result.ok) notFound();

  const event = result.data;
  const organizer = session.user?.id === event.organizerId;
  const feePercent = buyerFeePercent();
  return (
    <>
      <div className="page-head">
        <h1>{event.name}</h1>
        <Link href={`/tickets/new?eventId=${event.id}`} className="button">
          Sell a ticket for this event
        </Link>
      </div>
      <p className="event-head__facts">
        <LocalTime iso={event.startsAt} /> · {event.venue}, {event.city}
        {event.category ? ` · ${event.category}` : ''}
      </p>
      {organizer ? (
        <p className="notice notice--info">
          You organize this event. <Link href={`/events/${event.id}/check-in`}>Check tickets in at the door</Link>
        </p>
      ) : null}

      <h2>Tickets on sale</h2>
      {event.listings.length === 0 ? (
        <div className="empty">
          <p>No tickets for this event are on sale right now.</p>
        </div>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Seat</th>
              <th scope="col">Price</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {event.listings.map((ticket) => (
              <tr key={ticket.id}>
                <th scope="row" data-label="Ticket">
                  {ticket.title}
                </th>
                <td data-label="Seat" className="listing-seat">
                  {seatText(ticket.seat)}
                </td>
                <td data-label="Price">
                  <AllInPrice amounts={allInPrice(ticket.price, ticket.currency, feePercent)} of={ticket.title} />
                </td>
                <td className="data-table__actions">
                  <Link href={`/tickets/${ticket.id}`} prefetch={false}>
                    View
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link href="/events">All events</Link>
      </p>
    </>
  );
}
