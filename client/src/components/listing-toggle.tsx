'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import type { Ticket } from '@/lib/types';
import { FormAlert } from './form-errors';

interface ListingToggleProps {
  ticketId: string;
  /** Only an available ticket can be unlisted and only a withdrawn one relisted. */
  status: 'available' | 'withdrawn';
  /** Names the ticket to screen readers where several buttons share a page (My listings). */
  title?: string;
}

const DONE: Partial<Record<Ticket['status'], string>> = {
  available: 'Relisted — your ticket is on sale again.',
  withdrawn: 'Unlisted — buyers can no longer find or buy this ticket.',
  // A relisted resale listing waits for its pass to be locked again.
  pending: 'Relisted — locking your pass; your listing goes on sale when it is locked.',
};

/** The seller's Unlist (available) or Relist (withdrawn) button; the page shows the new state after it. */
export function ListingToggle({ ticketId, status, title }: ListingToggleProps) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const action = status === 'available' ? 'withdraw' : 'relist';
  const label = status === 'available' ? 'Unlist' : 'Relist';

  async function toggle() {
    setPending(true);
    setMessages([]);
    setDone('');
    try {
      const { data } = await api.post<Ticket>(`/api/tickets/${ticketId}/${action}`);
      setDone(DONE[data.status] ?? '');
      router.refresh();
    } catch (error) {
      setMessages(toErrorState(error).form);
      // The ticket may have changed meanwhile (reserved, unlisted elsewhere): show its state now.
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="listing-toggle">
      <button
        type="button"
        className={status === 'available' ? 'button button--secondary' : 'button'}
        onClick={toggle}
        disabled={pending}
        aria-busy={pending}
      >
        {pending ? (status === 'available' ? 'Unlisting…' : 'Relisting…') : label}
        {title ? <span className="visually-hidden"> {title}</span> : null}
      </button>
      <p role="status" className="listing-toggle__done">
        {done}
      </p>
      <FormAlert messages={messages} />
    </div>
  );
}
