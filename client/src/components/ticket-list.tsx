import Link from 'next/link';
import { allInPrice } from '@/lib/fees';
import type { Ticket } from '@/lib/types';
import { AllInPrice } from './price-breakdown';

/**
 * Tickets as cards. A reserved one is greyed out and says so in words ("Reserved — may come
 * back"): someone is paying for it, and it returns to sale if they do not.
 */
export function TicketList({ tickets, buyerFeePercent }: { tickets: readonly Ticket[]; buyerFeePercent: number }) {
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
            <AllInPrice
              amounts={allInPrice(ticket.price, ticket.currency, buyerFeePercent)}
              className="ticket-card__price"
              of={ticket.title}
            />
          </li>
        );
      })}
    </ul>
  );
}
