import Link from 'next/link';
import { formatPrice } from '@/lib/format';
import type { CatalogEvent } from '@/lib/types';
import { LocalTime } from './local-time';

/** Events as cards: when and where, and what is on sale (how many tickets, from what price). */
export function EventList({ events }: { events: readonly CatalogEvent[] }) {
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
              {event.availableListings} on sale from {formatPrice(event.lowestPrice, event.currency)}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
