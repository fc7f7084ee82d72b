import Link from 'next/link';
import { formatPrice } from '@/lib/format';
import type { Ticket } from '@/lib/types';

export function TicketList({ tickets }: { tickets: readonly Ticket[] }) {
  return (
    <ul className="ticket-grid">
      {tickets.map((ticket) => (
        <li key={ticket.id} className="ticket-card">
          <h2 className="ticket-card__title">
            {/* Prefetching every card on the page would fetch every ticket's page in advance; the one
                followed is loaded when it is followed. */}
            <Link href={`/tickets/${ticket.id}`} className="ticket-card__link" prefetch={false}>
              {ticket.title}
            </Link>
          </h2>
          <p className="ticket-card__price price">{formatPrice(ticket.price, ticket.currency)}</p>
        </li>
      ))}
    </ul>
  );
}
