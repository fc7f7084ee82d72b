import Link from 'next/link';
import { formatDate, formatPrice, shortOrderNumber } from '@/lib/format';
import { PAYOUT_STATE_WORDS } from '@/lib/payouts';
import type { Payout } from '@/lib/types';
import { LocalTime } from './local-time';

/** A payout's state in words, with the date it is held until or was paid on. */
export function PayoutStateText({ payout }: { payout: Pick<Payout, 'state' | 'dueAt' | 'paidAt'> }) {
  const words = PAYOUT_STATE_WORDS[payout.state] ?? payout.state;
  const className = `payout-state payout-state--${payout.state}`;
  if (payout.state === 'held') {
    return payout.dueAt ? (
      <span className={className}>
        {words} <LocalTime iso={payout.dueAt} />
      </span>
    ) : (
      <span className={className}>Held until after the event</span>
    );
  }
  if (payout.state === 'paid' && payout.paidAt) {
    return (
      <span className={className}>
        {words} <time dateTime={payout.paidAt}>{formatDate(payout.paidAt)}</time>
      </span>
    );
  }
  return <span className={className}>{words}</span>;
}

interface PayoutListProps {
  payouts: Payout[];
  /** Ticket titles by id, where the tickets service gave them; "Ticket" otherwise. */
  titles?: Readonly<Record<string, string>>;
}

/** The seller's sales, newest first: the ticket, the order, the amounts and where the payout stands. */
export function PayoutList({ payouts, titles = {} }: PayoutListProps) {
  if (payouts.length === 0) {
    return (
      <div className="empty">
        <p>No sales yet.</p>
        <p>
          <Link href="/tickets/new">Sell a ticket</Link>
        </p>
      </div>
    );
  }
  return (
    <table className="data-table payout-table">
      <caption className="visually-hidden">Your sales and their payouts, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Ticket</th>
          <th scope="col">Order</th>
          <th scope="col">Price</th>
          <th scope="col">Seller fee</th>
          <th scope="col">You receive</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {payouts.map((payout) => (
          <tr key={payout.id}>
            <th scope="row" data-label="Ticket">
              <Link href={`/tickets/${payout.ticketId}`}>{titles[payout.ticketId] ?? 'Ticket'}</Link>
            </th>
            <td data-label="Order">
              <span className="payout-table__order" title={payout.orderId}>
                {shortOrderNumber(payout.orderId)}
              </span>
            </td>
            <td data-label="Price" className="price">
              {formatPrice(payout.price, payout.currency)}
            </td>
            <td data-label="Seller fee" className="price">
              {formatPrice(payout.sellerFee, payout.currency)}
            </td>
            <td data-label="You receive" className="price">
              {formatPrice(payout.amount, payout.currency)}
            </td>
            <td data-label="State">
              <PayoutStateText payout={payout} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
