'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api } from '@/lib/api-client';
import { hasErrorCode, toErrorState } from '@/lib/api-errors';
import { signInPath } from '@/lib/navigation';
import type { Order } from '@/lib/types';
import { FormAlert } from './form-errors';

/** Answers saying the ticket is not on sale any more: the page is out of date. */
const NOT_ON_SALE = ['TICKET_RESERVED', 'TICKET_WITHDRAWN', 'TICKET_NOT_FOUND'];

/**
 * tickets learns of a reservation from orders' event, a few milliseconds after orders answered:
 * a refresh right after a lost race can still read `available`, so it is asked once more later.
 */
const SECOND_LOOK_MS = 1_500;

/**
 * Reserves the ticket (creates an order) and goes to the order, where the buyer pays. While the
 * ticket is on sale (`onSale`) it offers Purchase; once an answer says it is not (someone else
 * reserved it first), it stops offering it, keeps the message, and refreshes the page so it
 * shows the ticket's current state. It stays mounted when the page stops offering the ticket, so
 * that message survives the refresh.
 */
export function PurchaseButton({ ticketId, onSale = true }: { ticketId: string; onSale?: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const [signedOut, setSignedOut] = useState(false);
  const [lost, setLost] = useState(false);

  useEffect(() => {
    if (!lost || !onSale) return;
    const timer = setTimeout(() => router.refresh(), SECOND_LOOK_MS);
    return () => clearTimeout(timer);
  }, [lost, onSale, router]);

  async function purchase() {
    setPending(true);
    setMessages([]);
    try {
      const { data } = await api.post<Order>('/api/orders', { ticketId });
      router.push(`/orders/${data.id}`);
    } catch (error) {
      setSignedOut(hasErrorCode(error, 'NOT_AUTHORIZED'));
      setMessages(toErrorState(error).form);
      setPending(false);
      if (hasErrorCode(error, ...NOT_ON_SALE)) {
        setLost(true);
        router.refresh();
      }
    }
  }

  if (!onSale && messages.length === 0) return null;
  return (
    <div className="purchase">
      {onSale && !lost ? (
        <button
          type="button"
          className="button button--large"
          onClick={purchase}
          disabled={pending}
          aria-busy={pending}
        >
          {pending ? 'Reserving…' : 'Purchase'}
        </button>
      ) : null}
      <FormAlert messages={messages} />
      {signedOut ? (
        <p>
          <Link href={signInPath(`/tickets/${ticketId}`)}>Sign in to buy this ticket</Link>
        </p>
      ) : null}
    </div>
  );
}
