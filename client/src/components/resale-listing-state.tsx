'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { rejectionText } from '@/lib/resale';
import type { Ticket } from '@/lib/types';

/** How often, and how many times, a page with a pending listing asks again: every 1.5 s for 30 s. */
export const LOCK_REFRESH_MS = 1_500;
export const LOCK_REFRESHES = 20;

/**
 * While `pending` is true (a resale listing waits for passes to lock its pass), refreshes the page
 * (server components render again) until it is not, for half a minute at most, like the order
 * page waiting for its pass. Answers true once it stopped asking while still pending. The count
 * survives the refreshes: the effect restarts only when `pending` changes.
 */
export function useRefreshWhilePending(pending: boolean): boolean {
  const router = useRouter();
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    if (!pending) return;
    setGaveUp(false);
    let asked = 0;
    const timer = setInterval(() => {
      asked += 1;
      if (asked > LOCK_REFRESHES) {
        clearInterval(timer);
        setGaveUp(true);
      } else router.refresh();
    }, LOCK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [pending, router]);
  return pending && gaveUp;
}

/** Refreshes a list (My listings) while any of its resale listings is pending. Renders nothing. */
export function PendingListingsRefresh({ pending }: { pending: boolean }) {
  useRefreshWhilePending(pending);
  return null;
}

/**
 * The state of the seller's own resale listing: waiting for its pass to be locked (and asking
 * again until it is on sale or refused), refused with the reason in words, or on sale with the
 * pass locked. Renders nothing for an ordinary listing.
 */
export function ResaleListingState({
  ticket,
}: {
  ticket: Pick<Ticket, 'status' | 'resaleOfPassId' | 'rejectionReason'>;
}) {
  const pending = ticket.resaleOfPassId !== null && ticket.status === 'pending';
  const slow = useRefreshWhilePending(pending);
  if (!ticket.resaleOfPassId) return null;
  const passLink = <Link href={`/passes/${ticket.resaleOfPassId}`}>your ticket</Link>;

  if (ticket.status === 'pending') {
    return (
      <div className="notice notice--info" role="status">
        <p>
          <strong>Locking your pass…</strong> your listing goes on sale when it is locked.
        </p>
        {slow ? <p>This is taking longer than usual: reload the page in a moment.</p> : null}
      </div>
    );
  }
  if (ticket.status === 'rejected') {
    return (
      <div className="notice notice--problem" role="status">
        <p>
          <strong>This listing was refused:</strong> {rejectionText(ticket.rejectionReason)}. It will not go on sale.
        </p>
        <p>See {passLink}.</p>
      </div>
    );
  }
  if (ticket.status === 'available') {
    return (
      <p className="notice notice--info">
        On sale. While it is listed, {passLink} cannot be used at the door; unlisting gives it back.
      </p>
    );
  }
  if (ticket.status === 'withdrawn') {
    return <p className="notice notice--info">Unlisting gives {passLink} back: it admits you at the door again.</p>;
  }
  return null;
}
