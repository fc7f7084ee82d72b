import Link from 'next/link';
import { formatPrice } from '@/lib/format';
import type { Ticket } from '@/lib/types';

/**
 * Tickets as cards. A reserved one is greyed out and says so in words ("Reserved — may come
 * back"): someone is paying for it, and it returns to sale if they do not.
 */
export function TicketList({ tickets }: { tickets: readonly Ticket[] }) {
  return (
    <ul className="ticket-grid">
      {tickets.map((ticket) => {
        const reserved = ticket.status === 'reserved';
        return (
          <li key={ticket.id} className={reserved ? 'ticket-card ticket-card--reserved' : 'ticket-card'}>
            <h2 className="ticket-card__title">
              {/* Prefetching every card on the page would fetch every ticket's page in advance; the one
                  followed is loaded when it is followed. */}
              <Link href={`/tickets/${ticket.id}`} className="ticket-card__link" prefetch={false}>
                {ticket.title}
              </Link>
            </h2>
            {reserved ? <p className="ticket-card__state">Reserved — may come back</p> : null}
            <p className="ticket-card__price price">{formatPrice(ticket.price, ticket.currency)}</p>
          </li>
        );
      })}
    </ul>
  );
}
