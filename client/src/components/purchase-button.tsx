'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/api-client';
import { hasErrorCode, toErrorState } from '@/lib/api-errors';
import { signInPath } from '@/lib/navigation';
import type { Order } from '@/lib/types';
import { FormAlert } from './form-errors';

/** Reserves the ticket (creates an order) and goes to the order, where the buyer pays. */
export function PurchaseButton({ ticketId }: { ticketId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const [signedOut, setSignedOut] = useState(false);

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
    }
  }

  return (
    <div className="purchase">
      <button type="button" className="button button--large" onClick={purchase} disabled={pending} aria-busy={pending}>
        {pending ? 'Reserving…' : 'Purchase'}
      </button>
      <FormAlert messages={messages} />
      {signedOut ? (
        <p>
          <Link href={signInPath(`/tickets/${ticketId}`)}>Sign in to buy this ticket</Link>
        </p>
      ) : null}
    </div>
  );
}
