import Link from 'next/link';
import { allInPrice } from '@/lib/fees';
import { formatPrice } from '@/lib/format';
import type { CatalogEvent } from '@/lib/types';
import { LocalTime } from './local-time';

/**
 * Events as cards: when and where, and what is on sale (how many tickets, from what all-in price:
 * the cheapest ticket with its service fee, what a buyer would pay).
 */
export function EventList({ events, buyerFeePercent }: { events: readonly CatalogEvent[]; buyerFeePercent: number }) {
  return (
    <ul className="ticket-grid event-grid">
      {events.map((event) => (
        <li key={event.id} className="ticket-card event-card">
          <h2 className="ticket-card__title">
            <Link href={`/events/${event.id}`} className="ticket-card__link" prefetch={false}>
              {event.name}
            </Link>
          </h2>
          <p className="event-card__when">
            <LocalTime iso={event.startsAt} />
          </p>
          <p className="event-card__where muted">
            {event.venue}, {event.city}
            {event.category ? ` · ${event.category}` : ''}
          </p>
          {event.lowestPrice === null ? (
            <p className="muted">No tickets on sale</p>
          ) : (
            <p className="ticket-card__price price">
              {event.availableListings} on sale from{' '}
              {formatPrice(allInPrice(event.lowestPrice, event.currency, buyerFeePercent).total, event.currency)} incl.
              fees
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
